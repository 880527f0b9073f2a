import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { tidyValues } from "./tidy-values.js";

/** Options of {@link predictWindows}. */
export interface PredictWindowsOptions {
  /** Shape of one window as the model takes it, without the batch axis, e.g. `[frames, bands, 1]`. */
  readonly inputShape: readonly number[];
  /** Windows per forward pass. @default 32 */
  readonly batchSize?: number;
  /** Output column to read (the single sigmoid of a binary wake-word head by default). @default 0 */
  readonly outputIndex?: number;
}

/**
 * Runs `model` over `count` windows given by `windowAt(i)` (each already in
 * the model's input form, e.g. a slice of a recording's features), batch by
 * batch, yielding to the event loop between batches; one score per window.
 */
export async function predictWindows(
  model: tf.LayersModel,
  count: number,
  windowAt: (i: number) => Float32Array,
  { inputShape, batchSize = 32, outputIndex = 0 }: PredictWindowsOptions,
): Promise<number[]> {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const scores: number[] = [];
  for (let first = 0; first < count; first += batchSize) {
    const n = Math.min(batchSize, count - first);
    const batch = new Float32Array(n * size);
    for (let i = 0; i < n; i++) {
      const window = windowAt(first + i);
      if (window.length !== size)
        throw new ConfigError(
          `predictWindows: window ${first + i} has ${window.length} values, expected ${size} (${inputShape.join("×")}).`,
        );
      batch.set(window, i * size);
    }
    const values = tidyValues(() => {
      const out = model.predict(tf.tensor(batch, [n, ...inputShape])) as tf.Tensor;
      return out.reshape([n, -1]).slice([0, outputIndex], [n, 1]);
    });
    scores.push(...values);
    // Let other work (and a Ctrl-C) through between batches of a long stream.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return scores;
}

/** Windows of `windowFrames` frames every `stepFrames` frames over frame-major `features` (`frameSize` values a frame). */
export interface SlidingWindows {
  /** Whole windows that fit. */
  readonly count: number;
  /** Window `i`, a view into `features`. */
  readonly at: (i: number) => Float32Array;
}

/** The sliding windows of a recording whose features (log-mel frames, embeddings…) were computed once. */
export function slidingWindows(
  features: Float32Array,
  frameSize: number,
  windowFrames: number,
  stepFrames: number,
): SlidingWindows {
  if (!(frameSize >= 1 && windowFrames >= 1 && stepFrames >= 1))
    throw new ConfigError(
      `slidingWindows: frameSize, windowFrames and stepFrames must be ≥ 1, got ${frameSize}, ${windowFrames}, ${stepFrames}.`,
    );
  const frames = Math.floor(features.length / frameSize);
  const count = frames < windowFrames ? 0 : 1 + Math.floor((frames - windowFrames) / stepFrames);
  const at = (i: number): Float32Array =>
    features.subarray(i * stepFrames * frameSize, (i * stepFrames + windowFrames) * frameSize);
  return { count, at };
}

/**
 * The highest trailing moving average over `smoothing` scores: what a
 * streaming detector with that smoothing sees at its best moment in a short
 * segment (a positive is rejected when this stays below the threshold).
 */
export function peakSmoothed(scores: readonly number[], smoothing: number): number {
  if (!Number.isInteger(smoothing) || smoothing < 1)
    throw new ConfigError(`peakSmoothed: smoothing must be a positive integer, got ${smoothing}.`);
  let best = 0;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    sum += scores[i] as number;
    if (i >= smoothing) sum -= scores[i - smoothing] as number;
    best = Math.max(best, sum / Math.min(i + 1, smoothing));
  }
  return best;
}
