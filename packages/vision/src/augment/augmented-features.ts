import { collectBatches, ConfigError, tensorDataset } from "@graft/core";
import type { Backbone, Dataset } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/** Options of {@link augmentedFeatures}. */
export interface AugmentedFeaturesOptions {
  /** Augmented copies of every image, on top of the unaugmented original (0: the original only). */
  copies: number;
  /** Applied to each copy's batches, e.g. an {@link imageAugmenter}; the caller's seed makes the copies reproducible. */
  augment: (x: tf.Tensor4D) => tf.Tensor4D;
  /** Images per backbone pass. @default 32 */
  batchSize?: number;
}

/**
 * A frozen backbone's features of every image of `data` and of `copies`
 * augmented copies of each, computed once, as a dataset of features for
 * `fit(…, { inputs: "features" })`: the head then trains on augmented views
 * at cached-feature speed (the backbone runs `copies + 1` times over the
 * data, not once per epoch). Rows are the originals, then copy 1, copy 2, …;
 * labels repeat in the same order. Dispose the dataset when done.
 */
export async function augmentedFeatures(
  backbone: Backbone,
  data: Dataset,
  { copies, augment, batchSize = 32 }: AugmentedFeaturesOptions,
): Promise<Dataset & { readonly x: tf.Tensor; dispose(): void }> {
  if (!Number.isInteger(copies) || copies < 0)
    throw new ConfigError(
      `augmentedFeatures: copies must be a non-negative integer, got ${copies}.`,
    );
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(
      `augmentedFeatures: batchSize must be a positive integer, got ${batchSize}.`,
    );
  const parts: tf.Tensor[] = [];
  try {
    for (let copy = 0; copy <= copies; copy++) {
      parts.push(
        await collectBatches(data, batchSize, (x) => {
          const input = copy === 0 ? x : augment(x as tf.Tensor4D);
          return backbone.model.predict(input, { batchSize }) as tf.Tensor;
        }),
      );
    }
    const x = parts.length === 1 ? (parts.pop() as tf.Tensor) : tf.concat(parts, 0);
    const labels = Array.from({ length: copies + 1 }, () => [...data.labels]).flat();
    return tensorDataset(x, labels as Dataset["labels"]);
  } finally {
    tf.dispose(parts);
  }
}
