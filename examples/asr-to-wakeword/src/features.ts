import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import type { FeatureConfig, FeatureStats } from "@graft/audio";
import {
  clipFeatures,
  featureConfig,
  featureConfigToJson,
  featureSpec,
  fitFeatureStats,
  normalizeInPlace,
} from "@graft/audio";
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

/** A stable key for a cache entry: the feature configuration plus whatever identifies the audio. */
export function cacheKey(...parts: unknown[]): string {
  return createHash("sha1")
    .update(JSON.stringify([featureConfigToJson(FEATURES), ...parts]))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Float32 values cached in `file` under `key`: read back when the key
 * matches, else computed with `compute` and written (atomically) for next time.
 */
export async function cachedFloats(
  file: string,
  key: string,
  compute: () => Promise<Float32Array>,
): Promise<{ values: Float32Array; cached: boolean }> {
  const keyFile = `${file}.key`;
  if (existsSync(file) && existsSync(keyFile) && (await readFile(keyFile, "utf8")) === key) {
    const bytes = await readFile(file);
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    return { values, cached: true };
  }
  const values = await compute();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    `${file}.tmp`,
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  );
  await rename(`${file}.tmp`, file);
  await writeFile(keyFile, key);
  return { values, cached: false };
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
