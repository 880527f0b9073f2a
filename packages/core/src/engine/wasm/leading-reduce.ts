import * as tf from "@tensorflow/tfjs";

import { asTensor, kernelInputs, replacingStock } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/**
 * Faster `Sum` and `Mean` for wasm over a run of axes that keeps the last
 * one: a bias or batch-norm gradient ([N, H, W, C] summed over N, H, W) or
 * global average pooling (over H, W). The stock kernels first transpose the
 * reduced axes to the end. graft's native kernel sums rows in place; without
 * it, leading axes are reduced by viewing x as a one-column image [1, outer,
 * 1, inner] and average-pooling it with an [outer, 1] window, which runs
 * XNNPACK's pooling, ~8× faster than the stock kernel. (A matrix product
 * with a row of ones is slower here: XNNPACK repacks the big operand on
 * every call.) Other reductions go to the stock kernel.
 */
export function createLeadingReduceConfig(
  kernelName: "Sum" | "Mean",
  stock: tf.KernelConfig,
): tf.KernelConfig {
  return replacingStock(stock, (args) => {
    const { x } = kernelInputs(args.inputs, "x");
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const first = axes[0] ?? 0;
    const last = axes[axes.length - 1] ?? rank - 1;
    const run = axes.length > 0 && last - first === axes.length - 1 && last < rank - 1;
    const size = (from: number, to: number) => tf.util.sizeFromShape(x.shape.slice(from, to));
    const [before, reduced, inner] = [size(0, first), size(first, last + 1), size(last + 1, rank)];
    if (x.dtype !== "float32" || !run || reduced === 1) return stock.kernelFunc(args);
    const outShape = x.shape.flatMap((n, i) => (i < first || i > last ? [n] : keepDims ? [1] : []));
    const native = nativeKernels(args.backend);
    if (native) {
      const out = native.output(outShape);
      const scale = kernelName === "Mean" ? 1 / reduced : 1;
      native.exports.sum_rows(
        native.address(x),
        native.address(out),
        before,
        reduced,
        inner,
        scale,
      );
      return out;
    }
    if (before !== 1) return stock.kernelFunc(args);
    return tf.tidy(() => {
      const column = asTensor(x).reshape([1, reduced, 1, inner]) as tf.Tensor4D;
      const mean = tf.avgPool(column, [reduced, 1], 1, "valid");
      return (kernelName === "Mean" ? mean : tf.mul(mean, reduced)).reshape(outShape);
    });
  });
}
