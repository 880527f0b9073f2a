import * as tf from "@tensorflow/tfjs";

import type { Rng } from "./rng.js";
import { randomInt } from "./rng.js";

/** Options of {@link specAugment}. */
export interface SpecAugmentOptions {
  /** Number of time masks. @default 2 */
  timeMasks?: number;
  /** Longest time mask, in frames. @default 10 */
  maxTimeWidth?: number;
  /** Number of frequency masks. @default 2 */
  frequencyMasks?: number;
  /** Widest frequency mask, in bands. @default 6 */
  maxFrequencyWidth?: number;
  /** Value written into masked cells; `mean` = the example's mean (right for unnormalised log-mel). @default "mean" */
  fill?: number | "mean";
}

/**
 * SpecAugment-style masking of one example's features (`frames × bands`,
 * frame-major): whole runs of frames and of bands are overwritten with `fill`.
 * Widths are uniform in [0, max]. Returns a new array.
 */
export function specAugment(
  features: Float32Array,
  shape: { frames: number; bands: number },
  rng: Rng,
  {
    timeMasks = 2,
    maxTimeWidth = 10,
    frequencyMasks = 2,
    maxFrequencyWidth = 6,
    fill = "mean",
  }: SpecAugmentOptions = {},
): Float32Array {
  const { frames, bands } = shape;
  const out = features.slice();
  const value =
    fill === "mean" ? features.reduce((s, v) => s + v, 0) / Math.max(1, features.length) : fill;
  for (let m = 0; m < timeMasks; m++) {
    const width = randomInt(rng, 0, Math.min(maxTimeWidth, frames));
    const start = randomInt(rng, 0, frames - width);
    out.fill(value, start * bands, (start + width) * bands);
  }
  for (let m = 0; m < frequencyMasks; m++) {
    const width = randomInt(rng, 0, Math.min(maxFrequencyWidth, bands));
    const start = randomInt(rng, 0, bands - width);
    for (let f = 0; f < frames; f++) out.fill(value, f * bands + start, f * bands + start + width);
  }
  return out;
}

/**
 * {@link specAugment} applied to each example of a `[n, frames, bands(, 1)]`
 * batch, with independent masks. Returns a new tensor; `batch` is not disposed.
 */
export function specAugmentBatch(
  batch: tf.Tensor,
  rng: Rng,
  options: SpecAugmentOptions = {},
): tf.Tensor {
  const [n = 0, frames = 0, bands = 0] = batch.shape;
  const size = frames * bands;
  const data = batch.dataSync() as Float32Array;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    out.set(
      specAugment(data.subarray(i * size, (i + 1) * size), { frames, bands }, rng, options),
      i * size,
    );
  return tf.tensor(out, batch.shape, "float32");
}
