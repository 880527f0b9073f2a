import * as tf from "@tensorflow/tfjs";

import { kernelInputs } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/**
 * `Add` for wasm with a native path for adding a bias, a float32 vector
 * broadcast along the leading axes ([N, H, W, C] + [C]), which the stock
 * kernel does element by element (≈ 0.7 ms for [32, 32, 32, 16]). Other
 * additions go to the stock kernel.
 */
export function createBiasAddConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Add,
    backendName: "wasm",
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: (args) => {
      const { a, b } = kernelInputs(args.inputs, "a", "b");
      const native = nativeKernels(args.backend);
      const [x, bias] = isBias(b, a) ? [a, b] : isBias(a, b) ? [b, a] : [];
      if (!native || !x || !bias) return stock.kernelFunc(args);
      const channels = bias.shape[bias.shape.length - 1]!;
      const y = native.output(x.shape);
      native.exports.bias_add(
        native.address(x),
        native.address(bias),
        native.address(y),
        tf.util.sizeFromShape(x.shape) / channels,
        channels,
      );
      return y;
    },
  };
}

// Whether `bias` broadcasts over `x` along its leading axes only: a vector
// (or [1, …, 1, C]) matching x's last axis, both float32.
function isBias(bias: tf.TensorInfo, x: tf.TensorInfo): boolean {
  const rank = bias.shape.length;
  if (bias.dtype !== "float32" || x.dtype !== "float32" || rank === 0) return false;
  if (x.shape.length < rank || x.shape.length < 2) return false;
  const channels = bias.shape[rank - 1]!;
  return (
    channels > 0 &&
    channels === x.shape[x.shape.length - 1] &&
    bias.shape.slice(0, -1).every((size) => size === 1) &&
    tf.util.sizeFromShape(x.shape) > channels
  );
}
