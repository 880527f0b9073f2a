import * as tf from "@tensorflow/tfjs";

import { kernelInputs, replacingStock } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/**
 * `Add` or `Multiply` for wasm with a native path for a per-channel operand,
 * a float32 vector broadcast along the leading axes ([N, H, W, C] + [C]: a
 * bias; × [C]: a batch-norm scale), which the stock kernels do element by
 * element (≈ 0.7 ms to add a bias to [32, 32, 32, 16]). Other cases go to
 * the stock kernel.
 */
export function createChannelBroadcastConfig(
  kernelName: "Add" | "Multiply",
  stock: tf.KernelConfig,
): tf.KernelConfig {
  return replacingStock(stock, (args) => {
    const { a, b } = kernelInputs(args.inputs, "a", "b");
    const native = nativeKernels(args.backend);
    const [x, vector] = isChannelVector(b, a) ? [a, b] : isChannelVector(a, b) ? [b, a] : [];
    if (!native || !x || !vector) return stock.kernelFunc(args);
    const channels = vector.shape[vector.shape.length - 1]!;
    const y = native.output(x.shape);
    const size = tf.util.sizeFromShape(x.shape);
    const addresses = [native.address(x), native.address(vector), native.address(y)];
    native.parallel(
      kernelName === "Add" ? "bias_add" : "channel_scale",
      [...addresses, 0, 0, size / channels, channels],
      3,
      { items: size },
    );
    return y;
  });
}

// Whether `vector` broadcasts over `x` along its leading axes only: a
// vector (or [1, …, 1, C]) matching x's last axis, both float32.
function isChannelVector(vector: tf.TensorInfo, x: tf.TensorInfo): boolean {
  const rank = vector.shape.length;
  if (vector.dtype !== "float32" || x.dtype !== "float32" || rank === 0) return false;
  if (x.shape.length < rank || x.shape.length < 2) return false;
  const channels = vector.shape[rank - 1]!;
  return (
    channels > 0 &&
    channels === x.shape[x.shape.length - 1] &&
    vector.shape.slice(0, -1).every((size) => size === 1) &&
    tf.util.sizeFromShape(x.shape) > channels
  );
}
