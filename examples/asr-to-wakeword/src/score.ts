import type { StreamScores } from "@graft/audio";
import { featureSpec } from "@graft/audio";
import * as tf from "@tensorflow/tfjs";

import { FEATURES } from "./features.js";

const { frames: WINDOW_FRAMES, bands: BANDS } = featureSpec(FEATURES);
/** Windows slide by 0.1 s: 5 feature hops of 20 ms. */
export const STEP_FRAMES = 5;
const HOP_SECONDS = (STEP_FRAMES * FEATURES.hopSize) / FEATURES.sampleRate;

/** Windows in a recording of `frames` feature frames. */
export function windowCount(frames: number): number {
  return frames < WINDOW_FRAMES ? 0 : 1 + Math.floor((frames - WINDOW_FRAMES) / STEP_FRAMES);
}

/**
 * Posteriors of every 1 s window (one per 0.1 s) of a recording whose
 * normalised features were computed once: each window's features are a
 * slice of the recording's, identical to computing them from the window's
 * samples, so a 30-minute stream costs one feature pass however many models
 * score it.
 */
export async function windowScores(
  model: tf.LayersModel,
  features: Float32Array,
  frames: number,
): Promise<number[]> {
  return predictWindows(model, windowCount(frames), (i) =>
    features.subarray(i * STEP_FRAMES * BANDS, (i * STEP_FRAMES + WINDOW_FRAMES) * BANDS),
  );
}

/** Runs `model` over `count` windows given by `window(i)`, in batches; one posterior per window. */
export async function predictWindows(
  model: tf.LayersModel,
  count: number,
  window: (i: number) => Float32Array,
  batchSize = 128,
): Promise<number[]> {
  const windowSize = WINDOW_FRAMES * BANDS;
  const scores: number[] = [];
  for (let first = 0; first < count; first += batchSize) {
    const n = Math.min(batchSize, count - first);
    const batch = new Float32Array(n * windowSize);
    for (let i = 0; i < n; i++) batch.set(window(first + i), i * windowSize);
    const values = tf.tidy(() =>
      (model.predict(tf.tensor4d(batch, [n, WINDOW_FRAMES, BANDS, 1])) as tf.Tensor).dataSync(),
    );
    scores.push(...values);
    // Keep the event loop (and Ctrl-C) responsive during a long stream.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return scores;
}

/** Window scores of a stream in the shape `evaluateWakeWord` and `detectionsFromScores` take. */
export async function streamScores(
  model: tf.LayersModel,
  features: Float32Array,
  frames: number,
  seconds: number,
): Promise<StreamScores> {
  return {
    scores: await windowScores(model, features, frames),
    windowSeconds: FEATURES.clipSeconds,
    hopSeconds: HOP_SECONDS,
    hours: seconds / 3600,
  };
}

/**
 * The score a streaming detector gives each positive segment: the highest
 * posterior after the same trailing moving average over `smoothing` windows
 * that the detector applies. A positive is rejected when this stays below
 * the threshold.
 */
export async function segmentScores(
  model: tf.LayersModel,
  segments: Float32Array,
  segmentFrames: number,
  smoothing: number,
): Promise<number[]> {
  const size = segmentFrames * BANDS;
  const count = segments.length / size;
  const perSegment = windowCount(segmentFrames);
  const all = await predictWindows(model, count * perSegment, (i) => {
    const start = Math.floor(i / perSegment) * size + (i % perSegment) * STEP_FRAMES * BANDS;
    return segments.subarray(start, start + WINDOW_FRAMES * BANDS);
  });
  return Array.from({ length: count }, (_, s) => {
    const windows = all.slice(s * perSegment, (s + 1) * perSegment);
    let best = 0;
    for (let i = 0; i < windows.length; i++) {
      const recent = windows.slice(Math.max(0, i - smoothing + 1), i + 1);
      best = Math.max(best, recent.reduce((a, b) => a + b, 0) / recent.length);
    }
    return best;
  });
}
