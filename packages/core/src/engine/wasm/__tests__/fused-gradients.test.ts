import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import {
  KERNEL_PATHS,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

// Gradients summed over a few hundred values: float32 noise ≈ 1e-6 relative.
const TOLERANCE = 1e-5;

const tensor = (shape: number[], seed: number) =>
  tf.tensor(values(tf.util.sizeFromShape(shape), seed), shape);

/** All gradients of `f` at `inputs`, flattened into one tensor to compare at once. */
function allGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): tf.Tensor {
  const grads = tf.grads(f)(inputs);
  return tf.concat(grads.map((g) => g.flatten()));
}

describe.each(KERNEL_PATHS)("wasm batch-norm gradient ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  // (tfjs cannot differentiate tf.batchNorm without a scale, on any backend.)
  it.each([[[4, 5, 3, 22]], [[2, 3, 3, 8]], [[6, 7]]])(
    "should match cpu with statistics as inputs (%j)",
    async (shape) => {
      const c = shape[shape.length - 1]!;
      const result = await wasmVersusCpu(() => {
        const weight = tensor(shape, 5);
        const stats = [tensor([c], 2), tf.add(tf.abs(tensor([c], 3)), 0.2), tensor([c], 4)];
        return allGrads(
          (x, mean, variance, offset, gamma) =>
            tf.sum(tf.mul(tf.batchNorm(x!, mean!, variance!, offset, gamma, 1e-3), weight)),
          [tensor(shape, 1), ...stats, tensor([c], 6)],
        );
      });
      expect(result.shape).toEqual(result.cpuShape);
      expect(result.error).toBeLessThan(TOLERANCE);
    },
  );

  it("should match cpu for a batch-norm layer in training (statistics from tf.moments)", async () => {
    const shape = [4, 6, 5, 12];
    const { error } = await wasmVersusCpu(() => {
      const weight = tensor(shape, 5);
      return allGrads(
        (x, gamma, beta) => {
          const { mean, variance } = tf.moments(x!, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(x!, mean, variance, beta, gamma, 1e-3), weight));
        },
        [tensor(shape, 1), tf.add(tensor([12], 2), 1), tensor([12], 3)],
      );
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it("should leak no tensors", async () => {
    await tf.setBackend("wasm");
    const x = tensor([2, 4, 4, 8], 1);
    const stats = [tensor([8], 2), tf.add(tf.abs(tensor([8], 3)), 0.2), tensor([8], 4)];
    const gamma = tensor([8], 6);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const grads = tf.grads((a, m, v, o, s) => tf.sum(tf.square(tf.batchNorm(a!, m!, v!, o, s))))([
        x,
        ...stats,
        gamma,
      ]);
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...stats, gamma]);
  });
});

describe.each(KERNEL_PATHS)("wasm Mean gradient ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it.each([
    { shape: [4, 5, 3, 6], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 3, 6], axis: [1, 2], keepDims: true },
    { shape: [3, 7, 5], axis: [1], keepDims: false },
    { shape: [3, 7, 5], axis: [2], keepDims: false }, // the last axis: tfjs's gradient
    { shape: [9, 10], axis: [0], keepDims: true },
  ])("should match cpu over axes $axis of $shape", async ({ shape, axis, keepDims }) => {
    const { error, shape: out } = await wasmVersusCpu(() => {
      const x = tensor(shape, 1);
      const weight = tensor(tf.mean(x, axis, keepDims).shape, 2);
      return allGrads((a) => tf.sum(tf.mul(tf.mean(a!, axis, keepDims), weight)), [x]);
    });
    expect(out).toEqual([tf.util.sizeFromShape(shape)]);
    expect(error).toBeLessThan(1e-6);
  });
});

describe("wasm Cast", () => {
  beforeAll(setUpWasm);

  it("should share data when the dtype stays, convert otherwise, and leak no tensors", async () => {
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1.5, -2, 3]);
    const same = tf.cast(x, "float32");
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 3]);
    const ints = tf.cast(same, "int32");
    expect(ints.dtype).toBe("int32");
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([same, ints]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
