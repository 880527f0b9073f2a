import * as tf from "@tensorflow/tfjs";

import { kernelInputs, replacingStock } from "./kernel-tensors.js";
import { fewChannels, nativeConv2dRows, nativeConvApplies } from "./native/conv2d.js";
import { nativeKernels } from "./native/instance.js";

type ForwardKernel = "Conv2D" | "FusedConv2D";

/**
 * Forward convolutions of images with few channels (an RGB stem) for wasm:
 * `Conv2D`, and `FusedConv2D` when the fusion is at most a per-channel bias
 * (tf.layers uses it for convolutions without an activation). graft's
 * native kernel computes them by output rows, reading x in place, ≈ 1.5–2×
 * faster than XNNPACK's (measured on the small CNN's and MobileNetV2's
 * stems). Wider inputs go to the stock XNNPACK kernel: graft's patch-based
 * product was measured no faster there, in training steps, on one thread or
 * two.
 */
export function createConvForwardConfig(
  kernelName: ForwardKernel,
  stock: tf.KernelConfig,
): tf.KernelConfig {
  return replacingStock(stock, (args) => {
    const { x, filter } = kernelInputs(args.inputs, "x", "filter");
    const { bias, preluActivationWeights } = args.inputs as Partial<Record<string, tf.TensorInfo>>;
    const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
    const native = nativeKernels(args.backend);
    const fusion = kernelName.startsWith("Fused");
    if (
      !native ||
      (fusion && (attrs.activation !== "linear" || preluActivationWeights)) ||
      (bias && !isChannelBias(bias, filter))
    )
      return stock.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? "NHWC"),
    );
    if (!nativeConvApplies(info, x, filter) || !fewChannels(info)) return stock.kernelFunc(args);
    const y = nativeConv2dRows(native, x, filter, info);
    if (bias) {
      const at = native.address(y);
      const [size, channels] = [tf.util.sizeFromShape(y.shape), info.outChannels];
      const call = [at, native.address(bias), at, 0, 0, size / channels, channels];
      native.parallel("bias_add", call, 3, { items: size });
    }
    return y;
  });
}

// A float32 vector of one value per output channel.
function isChannelBias(bias: tf.TensorInfo, filter: tf.TensorInfo): boolean {
  const outC = filter.shape[3];
  return bias.dtype === "float32" && bias.shape.length === 1 && bias.shape[0] === outC;
}
