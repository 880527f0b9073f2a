import * as tf from "@tensorflow/tfjs";

import { replacingStock } from "./kernel-tensors.js";

import { nativeKernels } from "./native/instance.js";

/**
 * `FusedBatchNorm` (the forward pass of `tf.batchNorm`) for wasm with a
 * native path for per-channel statistics, the batch-norm layer's case: one
 * multiply-add per value with the channel's scale and shift folded once,
 * ≈ 5× faster than the stock kernel on [32, 48, 48, 48]. Statistics shaped
 * otherwise go to the stock kernel.
 */
export function createBatchNormConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return replacingStock(stock, (args) => {
    const { x, mean, variance, offset, scale } = args.inputs as Partial<
      Record<"x" | "mean" | "variance" | "offset" | "scale", tf.TensorInfo>
    >;
    const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
    const native = nativeKernels(args.backend);
    const channels = x?.shape[x.shape.length - 1] ?? 0;
    const perChannel = (info: tf.TensorInfo | undefined, optional: boolean) =>
      info === undefined
        ? optional
        : info.dtype === "float32" &&
          (info.shape.length <= 1 || info.shape.slice(0, -1).every((n) => n === 1)) &&
          [1, channels].includes(tf.util.sizeFromShape(info.shape));
    if (
      !native ||
      !x ||
      x.dtype !== "float32" ||
      x.shape.length < 2 ||
      !perChannel(mean, false) ||
      !perChannel(variance, false) ||
      !perChannel(offset, true) ||
      !perChannel(scale, true)
    )
      return stock.kernelFunc(args);
    const y = native.output(x.shape);
    const stat = (info: tf.TensorInfo | undefined) =>
      info ? [native.address(info), tf.util.sizeFromShape(info.shape)] : [0, 0];
    const scratch = native.scratch(2 * channels * native.parts);
    const size = tf.util.sizeFromShape(x.shape);
    // Each statistic as (address, size); ε is then argument 9 (an f32), the part index 12.
    const statistics = [mean, variance, offset, scale].flatMap(stat);
    const addresses = [native.address(y), scratch];
    native.parallel(
      "batch_norm",
      [
        native.address(x),
        ...statistics,
        varianceEpsilon,
        ...addresses,
        0,
        0,
        size / channels,
        channels,
      ],
      12,
      { floats: [9], items: size },
    );
    return y;
  });
}
