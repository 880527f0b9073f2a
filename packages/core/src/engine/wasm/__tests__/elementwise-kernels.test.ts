import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { registerWasmTrainingKernels } from "../register.js";
import {
  KERNEL_PATHS,
  runOn,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

describe("wasm Tile", () => {
  beforeAll(setUpWasm);

  it.each([
    { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
    { shape: [2, 3], reps: [3, 2] },
    { shape: [4], reps: [3] },
    { shape: [2, 1, 3], reps: [1, 4, 2] },
  ])("should match cpu when tiling $shape by $reps", async ({ shape, reps }) => {
    const { error, shape: out } = await wasmVersusCpu(() =>
      tf.tile(tf.tensor(values(tf.util.sizeFromShape(shape), 1), shape), reps),
    );
    expect(out).toEqual(shape.map((s, i) => s * reps[i]!));
    expect(error).toBe(0);
  });

  it("should still tile int32 and bool tensors", async () => {
    await tf.setBackend("wasm");
    expect(await tf.tile(tf.tensor1d([1, 2], "int32"), [2]).array()).toEqual([1, 2, 1, 2]);
    expect(await tf.tile(tf.tensor1d([true, false], "bool"), [2]).array()).toEqual([1, 0, 1, 0]);
  });
});

describe.each(KERNEL_PATHS)("wasm ClipByValue gradient ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it("should match cpu, bounds included (ReLU6)", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor1d([-3, -0, 0, 0.5, 3, 5.999, 6, 6.001, 9, Number.NaN]);
      const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(t, 0, 6), dy)))(x);
    });
    expect(error).toBe(0);
  });

  it("should keep registering one gradient only", () => {
    registerWasmTrainingKernels();
    const first = [tf.ClipByValue, tf.Relu].map((name) => tf.getGradient(name)?.gradFunc);
    registerWasmTrainingKernels();
    expect([tf.ClipByValue, tf.Relu].map((name) => tf.getGradient(name)?.gradFunc)).toEqual(first);
  });
});

describe.each(KERNEL_PATHS)("wasm ReLU gradient ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it("should equal cpu's, NaN included, for every SIMD lane and the tail", async () => {
    const x = [-3, -0, 0, 0.5, 3, Number.NaN, -1e-30, 1e-30, 7, -7, 2];
    const grad = () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.range(1, x.length + 1))))(
        tf.tensor1d(x),
      );
    const want = Array.from((await runOn("cpu", grad)).data);
    expect(Array.from((await runOn("wasm", grad)).data)).toEqual(want);
    expect(want.slice(0, 6)).toEqual([0, 0, 0, 4, 5, Number.NaN]);
  });
});

describe.each(KERNEL_PATHS)("wasm Add and Multiply ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it.each([
    { a: [4, 5, 6, 20], b: [20] },
    { a: [20], b: [4, 5, 6, 20] },
    { a: [3, 7], b: [1, 7] },
    { a: [5, 3], b: [3] },
    { a: [2, 3, 72], b: [1, 1, 72] },
    // Not a bias: the stock kernel's broadcasts.
    { a: [4, 1], b: [1, 5] },
    { a: [4, 5], b: [4, 5] },
    { a: [3], b: [] },
  ])("should equal cpu combining $a and $b", async ({ a, b }) => {
    for (const op of [tf.add, tf.mul]) {
      const { error, shape, cpuShape } = await wasmVersusCpu(() =>
        op(
          tf.tensor(values(tf.util.sizeFromShape(a), 5), a),
          tf.tensor(values(tf.util.sizeFromShape(b), 6), b),
        ),
      );
      expect(shape).toEqual(cpuShape);
      expect(error).toBe(0);
    }
  });

  it("should still add int32 tensors", async () => {
    await tf.setBackend("wasm");
    expect(
      await tf.add(tf.tensor2d([[1, 2]], [1, 2], "int32"), tf.tensor1d([3, 4], "int32")).array(),
    ).toEqual([[4, 6]]);
  });
});

describe("wasm Identity", () => {
  beforeAll(setUpWasm);

  it("should share data with its input, so disposing either leaves the other intact", async () => {
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    const again = tf.clone(copy);
    copy.dispose();
    expect(Array.from(again.dataSync())).toEqual([1, 2, 3]);
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
