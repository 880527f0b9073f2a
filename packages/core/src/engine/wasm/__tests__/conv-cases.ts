import * as tf from "@tensorflow/tfjs";

import { values } from "./compare-backends.js";

/** float32 sums of a few hundred products: 1e-5 relative is the noise floor. */
export const TOLERANCE = 2e-5;

type Padding = "same" | "valid";

/** One convolution shape the conv and depthwise gradient tests run on every kernel path. */
export interface Case {
  batch: number;
  size: [number, number];
  inC: number;
  kernel: [number, number];
  outC: number;
  stride: number;
  pad: Padding;
  dilation?: number;
}

export const CONV_CASES: Case[] = [
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

export function label(c: Case): string {
  return `${c.batch}×${c.size.join("×")}×${c.inC}, ${c.kernel.join("×")}→${c.outC}, stride ${c.stride}, ${c.pad}${c.dilation ? `, dilation ${c.dilation}` : ""}`;
}

export function tensors(c: Case, multiplier?: number): { x: tf.Tensor4D; w: tf.Tensor4D } {
  const [h, w] = c.size;
  const [kh, kw] = c.kernel;
  const last = multiplier ?? c.outC;
  return {
    x: tf.tensor4d(values(c.batch * h * w * c.inC, 1), [c.batch, h, w, c.inC]),
    w: tf.tensor4d(values(kh * kw * c.inC * last, 2), [kh, kw, c.inC, last]),
  };
}

// A loss whose gradient dy is not uniform, so every tap is exercised.
export function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.tensor(values(y.size, 3), y.shape)));
}

// [kh, kw, c, m] → [(kh-1)·d+1, (kw-1)·d+1, c, m] with zeros between the taps.
export function dilateFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, c, m] = w.shape;
  const wide = tf.buffer<tf.Rank.R4>([(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
  const taps = w.bufferSync();
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let p = 0; p < c; p++)
        for (let q = 0; q < m; q++) wide.set(taps.get(i, j, p, q), i * d, j * d, p, q);
  return wide.toTensor();
}
