import * as tf from "@tensorflow/tfjs";

import { asTensor, kernelInputs } from "./kernel-tensors.js";

/**
 * `UnsortedSegmentSum` for wasm (missing from tfjs-backend-wasm 4.22; the
 * gradient of `tf.gather`, so of Embedding layers). Runs as one native
 * ScatterNd, which adds the rows of duplicated ids. Ids outside
 * [0, numSegments) are dropped, as in TensorFlow; they are rare, so the
 * (small) id tensor is only rewritten when one is present.
 */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, segmentIds } = kernelInputs(inputs, "x", "segmentIds");
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const idCount = segmentIds.shape.reduce((a, b) => a * b, 1);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const ids = (backend as tf.KernelBackend).readSync(segmentIds.dataId) as Int32Array;
    const kept: number[] = [];
    for (let i = 0; i < idCount; i++) {
      const id = ids[i]!;
      if (id >= 0 && id < numSegments) kept.push(i);
    }
    return tf.tidy(() => {
      let rows = asTensor(x).reshape([idCount, rowSize]);
      let indices = asTensor(segmentIds).reshape([idCount, 1]);
      if (kept.length < idCount) {
        const where = tf.tensor1d(kept, "int32");
        rows = tf.gather(rows, where);
        indices = tf.gather(indices, where);
      }
      if (kept.length === 0) return tf.zeros([numSegments, ...rowShape], x.dtype);
      return tf
        .scatterND(indices, rows, [numSegments, rowSize])
        .reshape([numSegments, ...rowShape]);
    });
  },
};
