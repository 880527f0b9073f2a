import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import {
  KERNEL_PATHS,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

describe.each(KERNEL_PATHS)("wasm batch norm ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  const shape = [4, 5, 3, 22];
  const vector = (seed: number, shift = 0) =>
    tf.add(tf.abs(tf.tensor1d(values(22, seed))), shift) as tf.Tensor1D;
  it.each([
    { name: "per-channel statistics, offset and scale", offset: true, scale: true },
    { name: "no offset or scale", offset: false, scale: false },
    { name: "a scale only", offset: false, scale: true },
  ])("should match cpu with $name", async ({ offset, scale }) => {
    const { error, shape: out } = await wasmVersusCpu(() =>
      tf.batchNorm(
        tf.tensor(values(tf.util.sizeFromShape(shape), 7), shape),
        tf.tensor1d(values(22, 8)),
        vector(9, 0.1),
        offset ? tf.tensor1d(values(22, 10)) : undefined,
        scale ? vector(11) : undefined,
        1e-3,
      ),
    );
    expect(out).toEqual(shape);
    expect(error).toBeLessThan(1e-6);
  });

  it("should match cpu with scalar and full-shape statistics (the stock kernel's cases)", async () => {
    for (const stats of [[1], [5, 3, 22]]) {
      const { error } = await wasmVersusCpu(() =>
        tf.batchNorm(
          tf.tensor(values(tf.util.sizeFromShape(shape), 7), shape),
          tf.tensor(values(tf.util.sizeFromShape(stats), 8), stats),
          tf.add(tf.abs(tf.tensor(values(tf.util.sizeFromShape(stats), 9), stats)), 0.1),
          undefined,
          undefined,
          1e-3,
        ),
      );
      expect(error).toBeLessThan(1e-6);
    }
  });
});
