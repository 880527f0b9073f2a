import * as tf from "@tensorflow/tfjs";
import { createRng } from "@graft/core";
import type { Rng } from "@graft/core";
import { expect } from "vitest";

import { importOnnx } from "../index.js";
import type { OnnxGraph } from "./onnx-graph.js";
import { relativeError, runOrtFeeds } from "./ort.js";

/** A graph input of a parity case, with its ONNX dims (batch first). */
export interface InputSpec {
  readonly dims: readonly number[];
  /**
   * The importer takes this 4-D input channels-last ([n, h, w, c]) because it feeds a
   * Conv, pooling, BatchNormalization or Pad; the test checks it and transposes the data.
   * @default false
   */
  readonly nhwc?: boolean;
}

/** `size` uniform values in [-scale, scale). */
export function uniform(rng: Rng, size: number, scale = 1): Float32Array {
  return Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * scale);
}

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Runs the graph in onnxruntime and as the imported tf.LayersModel on the same random
 * inputs, and returns the largest relative difference. Checks the imported input shapes
 * follow the channels-last convention and that import + predict + dispose leaks no tensor.
 */
export async function parityError(graph: OnnxGraph, inputs: readonly InputSpec[], seed = 1): Promise<number> {
  const rng = createRng(seed);
  const feeds = inputs.map((spec) => ({ data: uniform(rng, sizeOf(spec.dims), 2), dims: spec.dims }));
  const bytes = graph.encode();
  const expected = await runOrtFeeds(bytes, feeds);

  const before = tf.memory().numTensors;
  const model = await importOnnx(bytes);
  try {
    const shapes = inputs.map(({ dims, nhwc = false }) => [null, ...(nhwc ? [dims[2], dims[3], dims[1]] : dims.slice(1))]);
    expect(model.inputs.map((input) => input.shape)).toEqual(shapes);
    const actual = tf.tidy(() => {
      const xs = feeds.map(({ data, dims }, i) => {
        const x = tf.tensor(data, [...dims]);
        return inputs[i]?.nhwc ? tf.transpose(x, [0, 2, 3, 1]) : x;
      });
      const y = model.predict(xs.length === 1 ? (xs[0] as tf.Tensor) : xs) as tf.Tensor;
      return { dims: y.shape, data: y.dataSync().slice() };
    });
    expect(actual.dims).toEqual([...expected.dims]);
    return relativeError(actual.data, expected.data);
  } finally {
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
}
