import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { CONV_CASES, label, tensors, TOLERANCE, weightedSum } from "./conv-cases.js";
import {
  KERNEL_PATHS,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

// Each conv gradient runs on graft's native kernels and on the fallback
// built from tfjs ops (what runs where the native module cannot).
describe.each(KERNEL_PATHS)("wasm conv2d gradients ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it.each(CONV_CASES)(
    "should match cpu for the forward pass ($batch×$size, kernel $kernel, stride $stride, $pad)",
    async (c) => {
      const { error, shape, cpuShape } = await wasmVersusCpu(() => {
        const { x, w } = tensors(c);
        return tf.conv2d(x, w, c.stride, c.pad, "NHWC", c.dilation ?? 1);
      });
      expect(shape).toEqual(cpuShape);
      expect(error, label(c)).toBeLessThan(TOLERANCE);
    },
  );

  it("should match cpu for fused convolutions with a bias (and with an activation, stock)", async () => {
    for (const activation of ["linear", "relu"] as const) {
      const { error } = await wasmVersusCpu(() => {
        const x = tf.tensor4d(values(2 * 9 * 8 * 12, 13), [2, 9, 8, 12]);
        const bias = tf.tensor1d(values(10, 15));
        const conv = tf.fused.conv2d({
          x,
          filter: tf.tensor4d(values(3 * 3 * 12 * 10, 14), [3, 3, 12, 10]),
          strides: 2,
          pad: "same",
          bias,
          activation,
        });
        const depthwise = tf.fused.depthwiseConv2d({
          x,
          filter: tf.tensor4d(values(3 * 3 * 12, 16), [3, 3, 12, 1]),
          strides: 1,
          pad: "valid",
          bias: tf.tensor1d(values(12, 17)),
          activation,
        });
        return tf.concat([conv.flatten(), depthwise.flatten()]);
      });
      expect(error, activation).toBeLessThan(TOLERANCE);
    }
  });

  it("should match cpu for the forward pass with explicit, uneven padding", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor4d(values(2 * 11 * 9 * 3, 11), [2, 11, 9, 3]);
      const w = tf.tensor4d(values(3 * 3 * 3 * 8, 12), [3, 3, 3, 8]);
      return tf.conv2d(x, w, 2, [
        [0, 0],
        [2, 0],
        [1, 3],
        [0, 0],
      ]);
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it.each(CONV_CASES.filter((c) => !c.dilation))(
    "should match cpu for the filter gradient ($batch×$size, kernel $kernel, stride $stride, $pad)",
    async (c) => {
      const { error, shape } = await wasmVersusCpu(() => {
        const { x, w } = tensors(c);
        return tf.grad((f: tf.Tensor) =>
          weightedSum(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad)),
        )(w);
      });
      expect(shape).toEqual([...c.kernel, c.inC, c.outC]);
      expect(error, label(c)).toBeLessThan(TOLERANCE);
    },
  );

  it.each(CONV_CASES.filter((c) => !c.dilation))(
    "should match cpu for the input gradient ($batch×$size, kernel $kernel, stride $stride, $pad)",
    async (c) => {
      const { error, shape } = await wasmVersusCpu(() => {
        const { x, w } = tensors(c);
        return tf.grad((input: tf.Tensor) =>
          weightedSum(tf.conv2d(input as tf.Tensor4D, w, c.stride, c.pad)),
        )(x);
      });
      expect(shape).toEqual([c.batch, ...c.size, c.inC]);
      expect(error, label(c)).toBeLessThan(TOLERANCE);
    },
  );

  it("should match cpu for conv2dTranspose, which runs the input-gradient kernel forward", async () => {
    const { error } = await wasmVersusCpu(() => {
      const dy = tf.tensor4d(values(2 * 5 * 6 * 4, 4), [2, 5, 6, 4]);
      const w = tf.tensor4d(values(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]);
      return tf.conv2dTranspose(dy, w, [2, 10, 11, 3], 2, "same");
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it("should match cpu for the filter gradient with channelsFirst data", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor4d(values(2 * 3 * 9 * 8, 6), [2, 3, 9, 8]);
      const dy = tf.tensor4d(values(2 * 4 * 5 * 4, 7), [2, 4, 5, 4]);
      return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: [2, 2],
        pad: "same",
        dataFormat: "NCHW",
        dimRoundingMode: undefined,
        filterShape: [3, 3, 3, 4],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    expect(error).toBeLessThan(TOLERANCE);
  });
});

describe("wasm conv3d gradients", () => {
  beforeAll(setUpWasm);

  it.each([
    { stride: 1, pad: "same" as const },
    { stride: 2, pad: "valid" as const },
  ])("should match cpu for both gradients (stride $stride, $pad)", async ({ stride, pad }) => {
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor5d(values(2 * 5 * 6 * 7 * 3, 1), [2, 5, 6, 7, 3]);
      const w = tf.tensor5d(values(3 * 3 * 3 * 3 * 4, 2), [3, 3, 3, 3, 4]);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        weightedSum(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, stride, pad)),
      )([x, w]);
      return tf.concat(grads.map((g) => g.flatten()));
    });
    expect(error).toBeLessThan(TOLERANCE);
  });
});
