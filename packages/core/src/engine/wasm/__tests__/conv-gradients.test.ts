import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import {
  KERNEL_PATHS,
  relativeError,
  runOn,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

// float32 sums of a few hundred products: 1e-5 relative is the noise floor.
const TOLERANCE = 2e-5;

type Padding = "same" | "valid";
interface Case {
  batch: number;
  size: [number, number];
  inC: number;
  kernel: [number, number];
  outC: number;
  stride: number;
  pad: Padding;
  dilation?: number;
}

const CONV_CASES: Case[] = [
  { batch: 1, size: [7, 9], inC: 3, kernel: [3, 3], outC: 4, stride: 1, pad: "same" },
  { batch: 3, size: [8, 8], inC: 3, kernel: [3, 3], outC: 5, stride: 2, pad: "same" },
  { batch: 2, size: [9, 7], inC: 2, kernel: [3, 3], outC: 4, stride: 2, pad: "valid" },
  { batch: 5, size: [11, 10], inC: 3, kernel: [5, 3], outC: 2, stride: 3, pad: "same" },
  { batch: 2, size: [6, 6], inC: 4, kernel: [1, 1], outC: 3, stride: 2, pad: "valid" },
  { batch: 4, size: [10, 10], inC: 6, kernel: [1, 1], outC: 3, stride: 1, pad: "same" },
  { batch: 2, size: [10, 10], inC: 3, kernel: [2, 2], outC: 3, stride: 2, pad: "same" },
  // 32+ input channels take the unfolded phase path of the input gradient.
  { batch: 2, size: [9, 8], inC: 32, kernel: [3, 3], outC: 4, stride: 2, pad: "same" },
  {
    batch: 1,
    size: [13, 13],
    inC: 2,
    kernel: [3, 3],
    outC: 2,
    stride: 1,
    pad: "valid",
    dilation: 2,
  },
  { batch: 2, size: [12, 9], inC: 3, kernel: [3, 2], outC: 2, stride: 1, pad: "same", dilation: 2 },
  // Wider layers fill the native kernels' 8- and 4-column tiles and their
  // tails, over several 128-pixel blocks with a partial last block.
  { batch: 3, size: [20, 19], inC: 8, kernel: [3, 3], outC: 12, stride: 1, pad: "same" },
  { batch: 2, size: [17, 15], inC: 5, kernel: [3, 3], outC: 19, stride: 2, pad: "valid" },
  { batch: 2, size: [16, 16], inC: 16, kernel: [3, 3], outC: 32, stride: 2, pad: "same" },
  // 1×1 with stride 1 and 4-aligned channels: a plain matrix product, no patches.
  { batch: 3, size: [9, 7], inC: 8, kernel: [1, 1], outC: 12, stride: 1, pad: "valid" },
];

function label(c: Case): string {
  return `${c.batch}×${c.size.join("×")}×${c.inC}, ${c.kernel.join("×")}→${c.outC}, stride ${c.stride}, ${c.pad}${c.dilation ? `, dilation ${c.dilation}` : ""}`;
}

function tensors(c: Case, multiplier?: number): { x: tf.Tensor4D; w: tf.Tensor4D } {
  const [h, w] = c.size;
  const [kh, kw] = c.kernel;
  const last = multiplier ?? c.outC;
  return {
    x: tf.tensor4d(values(c.batch * h * w * c.inC, 1), [c.batch, h, w, c.inC]),
    w: tf.tensor4d(values(kh * kw * c.inC * last, 2), [kh, kw, c.inC, last]),
  };
}

// A loss whose gradient dy is not uniform, so every tap is exercised.
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.tensor(values(y.size, 3), y.shape)));
}

// [kh, kw, c, m] → [(kh-1)·d+1, (kw-1)·d+1, c, m] with zeros between the taps.
function dilateFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, c, m] = w.shape;
  const wide = tf.buffer<tf.Rank.R4>([(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
  const taps = w.bufferSync();
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let p = 0; p < c; p++)
        for (let q = 0; q < m; q++) wide.set(taps.get(i, j, p, q), i * d, j * d, p, q);
  return wide.toTensor();
}

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
