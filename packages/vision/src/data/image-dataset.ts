import { DataError } from "@graft/core";
import type { Dataset } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import type { ImageSource } from "../image/decode-image.js";
import type { ImagePreprocessor } from "../image/image-preprocessor.js";

/** A batch transform applied to training batches only, e.g. an {@link imageAugmenter}. */
export type BatchTransform = (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * Options of {@link imageDataset}: `inputs`, `labels` and `preprocessor` as in
 * audio's `audioDataset`, then the image-specific settings.
 */
export interface ImageDatasetOptions {
  /** Image paths or encoded image buffers. */
  readonly inputs: readonly ImageSource[];
  /** Class index of each input. */
  readonly labels: readonly number[];
  readonly preprocessor: ImagePreprocessor;
  /**
   * Keep every decoded, resized example (a Float32Array) after its first use,
   * so later epochs never decode again. Memory: size × height × width × channels × 4 bytes.
   * @default true
   */
  cacheDecoded?: boolean;
  /**
   * Applied to every batch this dataset returns. Give it to the training set
   * only; validation, test and prediction data stay unaugmented.
   * @default undefined (no augmentation)
   */
  augment?: BatchTransform;
}

/** A {@link Dataset} of image files, decoded lazily through a preprocessor. */
export interface ImageDataset extends Dataset {
  readonly labels: readonly number[];
  readonly inputs: readonly ImageSource[];
  batch(indices: readonly number[]): Promise<tf.Tensor4D>;
  /** Starts decoding these examples in the background (e.g. the next batch) and returns at once. */
  prefetch(indices: readonly number[]): void;
  /** Decodes every example now (before training), so no epoch waits for jimp. Needs `cacheDecoded`. */
  warm(): Promise<void>;
  /** Drops the decoded cache. */
  dispose(): void;
}

/**
 * Wraps images and class indices as core's `Dataset`. Examples are
 * decoded once and cached as Float32Arrays (small data sets: decode once, train
 * many epochs); each batch becomes one tensor.
 */
export function imageDataset({
  inputs,
  labels,
  preprocessor,
  cacheDecoded = true,
  augment,
}: ImageDatasetOptions): ImageDataset {
  if (inputs.length !== labels.length) {
    throw new DataError(
      `imageDataset got ${inputs.length} inputs but ${labels.length} labels; they must pair up one to one.`,
    );
  }
  const { height, width, channels } = preprocessor.layout;
  const size = preprocessor.exampleSize;
  const pending = new Map<number, Promise<Float32Array>>();

  const example = (index: number): Promise<Float32Array> => {
    const source = inputs[index];
    if (source === undefined) {
      return Promise.reject(
        new DataError(`Index ${index} is out of range for a dataset of ${inputs.length} images.`),
      );
    }
    let result = pending.get(index);
    if (!result) {
      result = preprocessor.decode(source);
      pending.set(index, result);
      // A failed decode is not cached, so a retry reads the file again.
      result.catch(() => pending.delete(index));
    }
    return result;
  };

  return {
    size: inputs.length,
    labels,
    inputs,
    async batch(indices: readonly number[]): Promise<tf.Tensor4D> {
      const data = new Float32Array(indices.length * size);
      const examples = await Promise.all(indices.map(example));
      examples.forEach((floats, i) => data.set(floats, i * size));
      if (!cacheDecoded) for (const index of indices) pending.delete(index);
      const x = tf.tensor4d(data, [indices.length, height, width, channels], "float32");
      if (!augment) return x;
      const augmented = augment(x);
      if (augmented !== x) x.dispose();
      return augmented;
    },
    prefetch(indices: readonly number[]): void {
      for (const index of indices) example(index).catch(() => undefined);
    },
    async warm(): Promise<void> {
      if (!cacheDecoded) return;
      for (let i = 0; i < inputs.length; i++) await example(i);
    },
    dispose(): void {
      pending.clear();
    },
  };
}
