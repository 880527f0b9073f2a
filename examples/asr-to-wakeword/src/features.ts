import type { FeatureConfig, FeatureStats } from "@graft/audio";
import {
  clipFeatures,
  featureConfig,
  featureConfigToJson,
  featureSpec,
  fitFeatureStats,
  normalizeInPlace,
} from "@graft/audio";
import type { Json } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/**
 * The features every model of the demo reads: 1 s clips at 16 kHz, 32 ms
 * windows every 20 ms, 40 log-mel bands → 49 × 40 per clip (the usual
 * keyword-spotting input). Unnormalised here; each model's preprocessor adds
 * the per-band statistics of its own training data.
 */
export const FEATURES: FeatureConfig = featureConfig({
  sampleRate: 16000,
  windowSize: 512,
  hopSize: 320,
  bands: 40,
  clipSeconds: 1,
});

/** Values per clip. */
export const CLIP_SIZE: number = featureSpec(FEATURES).frames * featureSpec(FEATURES).bands;

/**
 * What identifies a cache entry: the feature configuration plus whatever
 * identifies the audio (core's `FeatureCache` hashes it into the file name).
 */
export function cacheKey(...parts: Json[]): Json {
  return [featureConfigToJson(FEATURES), ...parts];
}

/** Features of `count` clips made one at a time by `clip(i)` (so the audio never sits in memory all at once). */
export async function clipsToFeatures(
  count: number,
  clip: (i: number) => Promise<Float32Array>,
  onProgress?: (done: number) => void,
): Promise<Float32Array> {
  const out = new Float32Array(count * CLIP_SIZE);
  for (let i = 0; i < count; i++) {
    out.set(clipFeatures(await clip(i), FEATURES), i * CLIP_SIZE);
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
  }
  return out;
}

/** Per-band mean and std over a sample of the clips in `features` (every `stride`-th clip). */
export function bandStats(features: Float32Array, stride = 4): FeatureStats {
  const clips: Float32Array[] = [];
  for (let i = 0; i * CLIP_SIZE < features.length; i += stride)
    clips.push(features.subarray(i * CLIP_SIZE, (i + 1) * CLIP_SIZE));
  return fitFeatureStats(clips, FEATURES);
}

/** A normalised copy of `features`. */
export function normalised(features: Float32Array, stats: FeatureStats): Float32Array {
  return normalizeInPlace(features.slice(), stats);
}

/** `[n, frames, bands, 1]` tensor of normalised clip features. The caller owns it. */
export function clipTensor(features: Float32Array, stats: FeatureStats): tf.Tensor4D {
  const { frames, bands } = featureSpec(FEATURES);
  return tf.tensor4d(normalised(features, stats), [features.length / CLIP_SIZE, frames, bands, 1]);
}
