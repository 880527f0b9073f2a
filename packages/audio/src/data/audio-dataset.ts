import type { Dataset } from "@graft/core";
import { DataError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import type { AudioPreprocessor, AudioRaw } from "../features/audio-preprocessor.js";

/** Options of {@link audioDataset}. */
export interface AudioDatasetOptions {
  /** WAV paths or sample arrays (at the preprocessor's rate). */
  readonly inputs: readonly AudioRaw[];
  /** Class index of each input (multiclass, binary) or 0/1 row (multilabel). */
  readonly labels: readonly number[] | readonly (readonly number[])[];
  readonly preprocessor: AudioPreprocessor;
  /**
   * Applied to an example's cached features each time it is batched, e.g.
   * SpecAugment; the cache itself is never modified.
   */
  readonly transform?: (features: Float32Array, index: number) => Float32Array;
}

/** A {@link Dataset} of audio clips whose features are computed once and cached. */
export interface AudioDataset extends Dataset {
  /** Cached features of one example, `[frames × bands]` (read-only view). */
  features(index: number): Float32Array;
}

/**
 * Computes every input's features once (decoding, resampling, log-mel/MFCC)
 * and serves `[n, frames, bands, 1]` batches from the cache, so training
 * epochs never decode audio again.
 */
export async function audioDataset({ inputs, labels, preprocessor, transform }: AudioDatasetOptions): Promise<AudioDataset> {
  if (inputs.length !== labels.length) {
    throw new DataError(`audioDataset: ${inputs.length} inputs but ${labels.length} labels; give one label per input.`);
  }
  if (inputs.length === 0) throw new DataError("audioDataset: no inputs.");
  const { frames, bands } = preprocessor.spec;
  const size = frames * bands;
  const cache = new Float32Array(inputs.length * size);
  for (let i = 0; i < inputs.length; i++) cache.set(await preprocessor.features(inputs[i] as AudioRaw), i * size);
  const view = (index: number): Float32Array => {
    if (!Number.isInteger(index) || index < 0 || index >= inputs.length) {
      throw new DataError(`audioDataset: index ${index} is outside [0, ${inputs.length - 1}].`);
    }
    return cache.subarray(index * size, (index + 1) * size);
  };
  return {
    size: inputs.length,
    labels,
    features: view,
    batch(indices) {
      const out = new Float32Array(indices.length * size);
      indices.forEach((index, i) => out.set(transform ? transform(view(index), index) : view(index), i * size));
      return tf.tensor4d(out, [indices.length, frames, bands, 1], "float32");
    },
  };
}
