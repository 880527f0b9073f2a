import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { registerWasmTrainingKernels } from "../register.js";
import { setUpWasm, values, wasmVersusCpu } from "./compare-backends.js";

const tensor = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(values(tf.util.sizeFromShape(shape), seed), shape);

describe("wasm Tile gradient", () => {
  beforeAll(setUpWasm);

  it.each([
    { shape: [1, 64], reps: [256, 1] },
    { shape: [3, 4], reps: [2, 5] },
    { shape: [5], reps: [3] },
    { shape: [2, 1, 3], reps: [1, 4, 2] },
    { shape: [2, 3], reps: [1, 1] },
  ])("should match cpu when tiling $shape by $reps", async ({ shape, reps }) => {
    const { error, shape: out } = await wasmVersusCpu(() => {
      const x = tensor(shape, 11);
      const weights = tensor(
        shape.map((s, i) => s * reps[i]!),
        12,
      );
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, reps), weights)))(x);
    });
    expect(out).toEqual(shape);
    expect(error).toBeLessThan(1e-5);
  });

  it("should reduce all tiles in one kernel instead of a slice and an add per tile", async () => {
    await tf.setBackend("wasm");
    const x = tensor([1, 64], 14);
    const { kernelNames } = await tf.profile(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.tile(t, [256, 1])))(x),
    );
    expect(kernelNames).not.toContain("Slice");
    x.dispose();
  });

  it("should keep one registered gradient when registered again", () => {
    registerWasmTrainingKernels();
    const first = tf.getGradient(tf.Tile)?.gradFunc;
    registerWasmTrainingKernels();
    expect(tf.getGradient(tf.Tile)?.gradFunc).toBe(first);
  });

  it("should not leak tensors", async () => {
    await tf.setBackend("wasm");
    const x = tensor([1, 8], 13);
    const run = (): void =>
      tf.tidy(() => {
        tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.tile(t, [16, 2]))))(x);
      });
    run();
    const before = tf.memory();
    for (let i = 0; i < 20; i++) run();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    x.dispose();
  });
});
