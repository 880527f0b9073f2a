import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { setUpWasm, values, wasmVersusCpu } from "./compare-backends.js";

const tensor = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(values(tf.util.sizeFromShape(shape), seed), shape);

/** Shapes of a and b for the product a·b (before any transpose is applied to them). */
const SHAPES = [
  { a: [7, 5], b: [5, 9] },
  { a: [1, 33, 17], b: [1, 17, 12] },
  { a: [3, 6, 10], b: [3, 10, 4] },
  { a: [2, 1, 5, 8], b: [3, 8, 6] },
  { a: [1, 128, 300], b: [1, 300, 64] },
];

const COMBINATIONS = [
  { transposeA: false, transposeB: false },
  { transposeA: false, transposeB: true },
  { transposeA: true, transposeB: false },
  { transposeA: true, transposeB: true },
];

/** `shape` with its last two axes swapped. */
const swapped = (shape: number[]): number[] => [
  ...shape.slice(0, -2),
  shape[shape.length - 1]!,
  shape[shape.length - 2]!,
];

describe("wasm BatchMatMul", () => {
  beforeAll(setUpWasm);

  describe.each(COMBINATIONS)(
    "with transposeA=$transposeA, transposeB=$transposeB",
    ({ transposeA, transposeB }) => {
      it.each(SHAPES)("should match cpu for $a · $b", async ({ a, b }) => {
        const aShape = transposeA ? swapped(a) : a;
        const bShape = transposeB ? swapped(b) : b;
        const { error, shape, cpuShape } = await wasmVersusCpu(() =>
          tf.matMul(tensor(aShape, 1), tensor(bShape, 2), transposeA, transposeB),
        );
        expect(shape).toEqual(cpuShape);
        expect(shape.slice(-2)).toEqual([a[a.length - 2], b[b.length - 1]]);
        expect(error).toBeLessThan(1e-5);
      });
    },
  );

  it("should match cpu for a dense layer's gradients", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tensor([16, 40], 3);
      const w = tensor([40, 8], 4);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))))(
        [x, w],
      );
      return tf.concat([dx!.flatten(), dw!.flatten()]);
    });
    expect(error).toBeLessThan(1e-5);
  });

  // The stock kernel caches XNNPACK's operator under b's data id only; a
  // reshaped view shares the id, so it met the operator of the first shape.
  it("should match cpu when b is a view of earlier data with another shape", async () => {
    const { error } = await wasmVersusCpu(() => {
      const b = tensor([6, 4], 15);
      const first = tf.matMul(tensor([2, 6], 16), b);
      const second = tf.matMul(tensor([2, 4], 17), b.reshape([4, 6]));
      return tf.concat([first.flatten(), second.flatten()]);
    });
    expect(error).toBeLessThan(1e-5);
  });

  it("should match cpu when a fused product's b is a view with another shape", async () => {
    const { error } = await wasmVersusCpu(() => {
      const b = tensor([8, 3], 18);
      const first = tf.fused.matMul({ a: tensor([5, 8], 19), b, activation: "relu" });
      const second = tf.fused.matMul({
        a: tensor([5, 6], 20),
        b: b.reshape([6, 4]),
        activation: "relu",
      });
      return tf.concat([first.flatten(), second.flatten()]);
    });
    expect(error).toBeLessThan(1e-5);
  });

  it("should match cpu for the transposed products of activations reused with a new shape", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tensor([12, 10], 21);
      const dy = tensor([12, 3], 22);
      const first = tf.matMul(x, dy, true, false);
      const second = tf.matMul(tensor([5, 4], 23), x.reshape([4, 30]));
      return tf.concat([first.flatten(), second.flatten()]);
    });
    expect(error).toBeLessThan(1e-5);
  });

  it("should not leak tensors or bytes over 50 transposed products", async () => {
    await tf.setBackend("wasm");
    const a = tensor([1, 20, 30], 5);
    const b = tensor([2, 10, 30], 6);
    const c = tensor([2, 30, 10], 7);
    const d = tensor([2, 20, 5], 8);
    const run = (): void => {
      tf.matMul(c, a, true, true).dispose();
      tf.matMul(a, b, false, true).dispose();
      tf.matMul(a, d, true, false).dispose();
    };
    run();
    const before = tf.memory();
    for (let i = 0; i < 50; i++) run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([a, b, c, d]);
  });

  it("should report mismatched inner sizes with the transposes the caller asked for", async () => {
    await tf.setBackend("wasm");
    const a = tensor([4, 3], 9);
    const b = tensor([4, 5], 10);
    expect(() => tf.matMul(a, b, false, true)).toThrow(
      /inner shapes \(3\) and \(5\).*transposeB=true/,
    );
    tf.dispose([a, b]);
  });

  it("should pass a product with a non-float32 operand to the stock kernel, which rejects it", async () => {
    await tf.setBackend("wasm");
    const a = tf.ones([2, 3], "int32");
    const b = tf.ones([2, 3], "int32");
    expect(() => tf.matMul(a, b, false, true)).toThrow(/non-float32/);
    tf.dispose([a, b]);
  });
});
