import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import {
  KERNEL_PATHS,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

describe.each(KERNEL_PATHS)("wasm Sum and Mean ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it.each([
    { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: true },
    { shape: [7, 3], axis: [0], keepDims: false },
    { shape: [2, 3, 4], axis: [2, 0], keepDims: false },
    { shape: [2, 3, 4], axis: [1, 2], keepDims: true },
    { shape: [5, 4], axis: [0, 1], keepDims: false },
    // Middle axes (global average pooling) and widths past the 16-column tiles.
    { shape: [6, 5, 4, 20], axis: [1, 2], keepDims: false },
    { shape: [3, 5, 4, 7], axis: [1, 2], keepDims: true },
    { shape: [3, 5, 41], axis: [0, 1], keepDims: false },
  ])(
    "should match cpu reducing $shape over $axis (keepDims $keepDims)",
    async ({ shape, axis, keepDims }) => {
      for (const reduce of [tf.sum, tf.mean]) {
        const {
          error,
          shape: out,
          cpuShape,
        } = await wasmVersusCpu(() =>
          reduce(tf.tensor(values(tf.util.sizeFromShape(shape), 4), shape), axis, keepDims),
        );
        expect(out).toEqual(cpuShape);
        expect(error).toBeLessThan(1e-6);
      }
    },
  );

  it("should still reduce int32 tensors exactly", async () => {
    await tf.setBackend("wasm");
    expect(
      await tf
        .sum(
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
            ],
            [2, 2],
            "int32",
          ),
          0,
        )
        .array(),
    ).toEqual([4, 6]);
  });
});

describe("wasm UnsortedSegmentSum", () => {
  beforeAll(setUpWasm);

  it("should match cpu, adding rows that share an id", async () => {
    const { error, shape } = await wasmVersusCpu(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d(values(6 * 4, 1), [6, 4]),
        tf.tensor1d([2, 0, 2, 4, 0, 2], "int32"),
        5,
      ),
    );
    expect(shape).toEqual([5, 4]);
    expect(error).toBeLessThan(1e-6);
  });

  it("should drop ids outside [0, numSegments) like TensorFlow", async () => {
    await tf.setBackend("wasm");
    const out = tf.unsortedSegmentSum(
      tf.tensor1d([1, 2, 4, 8]),
      tf.tensor1d([0, -1, 1, 3], "int32"),
      2,
    );
    expect(await out.array()).toEqual([1, 4]);
  });

  it("should give an Embedding's gradient (gather) equal to cpu's", async () => {
    const { error } = await wasmVersusCpu(() => {
      const table = tf.tensor2d(values(7 * 3, 2), [7, 3]);
      const ids = tf.tensor2d(
        [
          [1, 3, 3],
          [6, 0, 1],
        ],
        [2, 3],
        "int32",
      );
      return tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(t, ids), tf.tensor(values(18, 3), [2, 3, 3]))),
      )(table);
    });
    expect(error).toBeLessThan(1e-6);
  });
});
