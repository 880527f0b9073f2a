import * as tf from "@tensorflow/tfjs";

import { asTensor, kernelInputs } from "./kernel-tensors.js";

/**
 * Faster `Sum` and `Mean` for wasm when the reduced axes lead (a bias or
 * batch-norm gradient: [N, H, W, C] summed over N, H, W). The stock kernels
 * first transpose the reduced axes to the end; viewing x as a one-column
 * image [1, outer, 1, inner] and average-pooling it with an [outer, 1] window
 * runs XNNPACK's pooling instead, ~8× faster. (A matrix product with a row of
 * ones is slower here: XNNPACK repacks the big operand on every call.) Other
 * reductions go to the stock kernel.
 */
export function createLeadingReduceConfig(
  kernelName: "Sum" | "Mean",
  stock: tf.KernelConfig,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    // Binds the stock kernel's wasm function when the backend initialises.
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: (args) => {
      const { x } = kernelInputs(args.inputs, "x");
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const rank = x.shape.length;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
      const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
      const outer = axes.reduce((size, a) => size * x.shape[a]!, 1);
      if (x.dtype !== "float32" || !leading || outer === 1) return stock.kernelFunc(args);
      const kept = x.shape.slice(axes.length);
      const inner = kept.reduce((a, b) => a * b, 1);
      return tf.tidy(() => {
        const column = asTensor(x).reshape([1, outer, 1, inner]) as tf.Tensor4D;
        const mean = tf.avgPool(column, [outer, 1], 1, "valid");
        const reduced = kernelName === "Mean" ? mean : tf.mul(mean, outer);
        return reduced.reshape(keepDims ? [...axes.map(() => 1), ...kept] : kept);
      });
    },
  };
}
