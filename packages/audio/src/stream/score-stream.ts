import { ConfigError } from "@graft/core";

import { extractFeatures } from "../features/extract-features.js";
import { clipSamples } from "../features/feature-config.js";
import type { Scorer } from "./score-fn.js";
import { toScoreFn } from "./score-fn.js";
import { predictWindows, slidingWindows } from "./score-windows.js";

/** Options of {@link scoreStream}. */
export interface ScoreStreamOptions {
  /** Rate of the samples. @default 16000 */
  sampleRate?: number;
  /** Audio per scored window. @default 1 */
  windowSeconds?: number;
  /** Time between windows. @default 0.1 */
  hopSeconds?: number;
  /** Windows per forward pass. @default 32 */
  batchSize?: number;
}

/** Raw posteriors of every window of a stream, with the exact (sample-rounded) window timing. */
export interface StreamScores {
  readonly scores: number[];
  readonly windowSeconds: number;
  readonly hopSeconds: number;
  /** Hours of audio scored: what false accepts per hour divide by. */
  readonly hours: number;
}

/**
 * Scores every whole window of a long recording once, so thresholds,
 * smoothing and refractory periods can then be swept for free with
 * `detectionsFromScores(result.scores, { ...result, threshold })` (the same
 * detections `detectStream` gives). With `{ model, preprocessor }`, when the
 * window is one clip and the hop a whole number of feature hops, the stream's
 * features are computed once and sliced per window, instead of once per window.
 */
export async function scoreStream(scorer: Scorer, samples: Float32Array, options: ScoreStreamOptions = {}): Promise<StreamScores> {
  const { sampleRate = 16000, windowSeconds = 1, hopSeconds = 0.1, batchSize = 32 } = options;
  const window = Math.round(windowSeconds * sampleRate);
  const hop = Math.round(hopSeconds * sampleRate);
  if (window < 1 || hop < 1) throw new ConfigError(`scoreStream: window and hop must be at least one sample, got ${window} and ${hop}.`);
  const count = samples.length < window ? 0 : 1 + Math.floor((samples.length - window) / hop);
  const timing = { windowSeconds: window / sampleRate, hopSeconds: hop / sampleRate, hours: samples.length / sampleRate / 3600 };
  const fast = typeof scorer === "object" ? sharedFeatureScores(scorer, samples, sampleRate, window, hop, count, batchSize) : undefined;
  if (fast) return { scores: await fast, ...timing };
  const score = toScoreFn(scorer);
  const scores: number[] = [];
  for (let first = 0; first < count; first += batchSize) {
    const windows: Float32Array[] = [];
    for (let i = first; i < Math.min(count, first + batchSize); i++) windows.push(samples.subarray(i * hop, i * hop + window));
    scores.push(...(await score(windows)));
  }
  return { scores, ...timing };
}

function sharedFeatureScores(
  scorer: Exclude<Scorer, (...args: never[]) => unknown>,
  samples: Float32Array,
  sampleRate: number,
  window: number,
  hop: number,
  count: number,
  batchSize: number,
): Promise<number[]> | undefined {
  const config = scorer.preprocessor.featureConfig;
  const { frames, bands } = scorer.preprocessor.spec;
  if (sampleRate !== config.sampleRate || window !== clipSamples(config) || hop % config.hopSize !== 0) return undefined;
  const windows = slidingWindows(extractFeatures(samples, config), bands, frames, hop / config.hopSize);
  return predictWindows(scorer.model, count, windows.at, { inputShape: [frames, bands, 1], batchSize, outputIndex: scorer.outputIndex ?? 0 });
}
