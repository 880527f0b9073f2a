import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { CONV_CASES, dilateFilter, label, tensors, TOLERANCE, weightedSum } from "./conv-cases.js";
import {
  KERNEL_PATHS,
  relativeError,
  runOn,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

describe.each(KERNEL_PATHS)("wasm depthwise conv gradients ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  // tfjs refuses dilated depthwise gradients (tf.grad asserts), so dilation
  // is checked on the kernels directly below.
  const cases = CONV_CASES.filter((c) => (c.kernel[0] > 1 || c.stride > 1) && !c.dilation);
  for (const multiplier of [1, 2]) {
    it.each(cases)(
      `should match cpu for the filter gradient (multiplier ${multiplier}, $batch×$size, kernel $kernel, stride $stride, $pad)`,
      async (c) => {
        const { error, shape } = await wasmVersusCpu(() => {
          const { x, w } = tensors(c, multiplier);
          return tf.grad((f: tf.Tensor) =>
            weightedSum(
              tf.depthwiseConv2d(x, f as tf.Tensor4D, c.stride, c.pad, "NHWC", c.dilation ?? 1),
            ),
          )(w);
        });
        expect(shape).toEqual([...c.kernel, c.inC, multiplier]);
        expect(error, label(c)).toBeLessThan(TOLERANCE);
      },
    );

    it.each(cases)(
      `should match cpu for the input gradient (multiplier ${multiplier}, $batch×$size, kernel $kernel, stride $stride, $pad)`,
      async (c) => {
        const { error, shape } = await wasmVersusCpu(() => {
          const { x, w } = tensors(c, multiplier);
          return tf.grad((input: tf.Tensor) =>
            weightedSum(
              tf.depthwiseConv2d(input as tf.Tensor4D, w, c.stride, c.pad, "NHWC", c.dilation ?? 1),
            ),
          )(x);
        });
        expect(shape).toEqual([c.batch, ...c.size, c.inC]);
        expect(error, label(c)).toBeLessThan(TOLERANCE);
      },
    );
  }

  it.each(CONV_CASES.flatMap((c) => [1, 2].map((multiplier) => ({ ...c, multiplier }))))(
    "should match cpu for the forward pass (multiplier $multiplier, $batch×$size, kernel $kernel, stride $stride, $pad)",
    async (c) => {
      const { error, shape, cpuShape } = await wasmVersusCpu(() => {
        const { x, w } = tensors(c, c.multiplier);
        const d = c.dilation ?? 1;
        return tf.depthwiseConv2d(x, w, d > 1 ? 1 : c.stride, c.pad, "NHWC", d);
      });
      expect(shape).toEqual(cpuShape);
      expect(error, label(c)).toBeLessThan(TOLERANCE);
    },
  );

  // tfjs-core's cpu kernels ignore dilation in depthwise backprop (and
  // tf.grad refuses dilated depthwise convs), so the reference here is the
  // gradient of the equivalent undilated conv whose filter has zeros between
  // the taps, computed on cpu.
  it.each(
    CONV_CASES.filter((c) => c.dilation).flatMap((c) =>
      [1, 2].map((multiplier) => ({ ...c, multiplier })),
    ),
  )(
    "should match the zero-inserted-filter reference when dilated (multiplier $multiplier, $batch×$size, kernel $kernel, $pad, dilation $dilation)",
    async (c) => {
      const d = c.dilation ?? 1;
      const setup = (): { x: tf.Tensor4D; w: tf.Tensor4D; wide: tf.Tensor4D; dy: tf.Tensor4D } => {
        const { x, w } = tensors(c, c.multiplier);
        const wide = dilateFilter(w, d);
        const dyShape = tf.backend_util.computeConv2DInfo(
          x.shape,
          wide.shape,
          1,
          1,
          c.pad,
          undefined,
          true,
        ).outShape;
        return { x, w, wide, dy: tf.tensor4d(values(tf.util.sizeFromShape(dyShape), 3), dyShape) };
      };
      const attrs = { strides: [1, 1], dilations: [d, d], pad: c.pad, dimRoundingMode: undefined };
      const want = await runOn("cpu", () => {
        const { x, wide, dy } = setup();
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad), dy)),
        )([x, wide]);
        const taps = tf.stridedSlice(gw!, [0, 0, 0, 0], gw!.shape, [d, d, 1, 1]);
        return tf.concat([gx!.flatten(), taps.flatten()]);
      });
      const got = await runOn("wasm", () => {
        const { x, w, dy } = setup();
        const gx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: w }, {
          ...attrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const gw = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, {
          ...attrs,
          filterShape: w.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return tf.concat([gx.flatten(), gw.flatten()]);
      });
      expect(got.shape).toEqual(want.shape);
      expect(relativeError(got.data, want.data), label(c)).toBeLessThan(TOLERANCE);
    },
  );

  it("should match cpu for separable conv gradients (depthwise then pointwise)", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor4d(values(3 * 10 * 9 * 4, 8), [3, 10, 9, 4]);
      const depth = tf.tensor4d(values(3 * 3 * 4 * 2, 9), [3, 3, 4, 2]);
      const point = tf.tensor4d(values(8 * 5, 10), [1, 1, 8, 5]);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        weightedSum(
          tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 2, "same"),
        ),
      )([x, depth, point]);
      return tf.concat(grads.map((g) => g.flatten()));
    });
    expect(error).toBeLessThan(TOLERANCE);
  });
});
