import * as tf from "@tensorflow/tfjs";

import { DataError } from "../errors.js";
import type { Dataset } from "../types.js";

/**
 * A dataset held in memory as one tensor `x` of shape `[n, ...]`. The dataset
 * keeps `x` (dispose the dataset, or `x`, when done).
 */
export function tensorDataset(
  x: tf.Tensor,
  labels: readonly number[] | readonly (readonly number[])[],
  options: { key?: string } = {},
): Dataset & { readonly x: tf.Tensor; dispose(): void } {
  const size = x.shape[0] ?? 0;
  if (labels.length !== size) {
    throw new DataError(`Expected one label per example (${size}), got ${labels.length} labels.`);
  }
  return {
    x,
    size,
    labels,
    ...(options.key === undefined ? {} : { key: options.key }),
    batch: (indices) => tf.tidy(() => tf.gather(x, tf.tensor1d([...indices], "int32"))),
    dispose: () => x.dispose(),
  };
}

/** A view of `data` restricted to `indices` (no copy). */
export function subsetDataset(data: Dataset, indices: readonly number[]): Dataset {
  const labels = indices.map((i) => data.labels[i]) as Dataset["labels"];
  return {
    size: indices.length,
    labels,
    batch: (batchIndices) => data.batch(batchIndices.map((i) => indices[i] as number)),
  };
}

/** Reads every example of `data` in batches and stacks them along axis 0. */
export async function collectBatches(
  data: Dataset,
  batchSize: number,
  map: (x: tf.Tensor) => tf.Tensor = (x) => x,
): Promise<tf.Tensor> {
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < data.size; start += batchSize) {
      const indices = range(start, Math.min(start + batchSize, data.size));
      const x = await data.batch(indices);
      const y = tf.tidy(() => map(x));
      if (y !== x) x.dispose();
      parts.push(y);
    }
    return parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0);
  } finally {
    if (parts.length > 1) tf.dispose(parts);
  }
}

/** `[start, start + 1, …, end - 1]`. */
export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
