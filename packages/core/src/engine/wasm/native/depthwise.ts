import type * as tf from "@tensorflow/tfjs";

import { geometry, PART_AT } from "./conv2d.js";
import type { NativeKernels } from "./instance.js";

/** Whether the native depthwise kernels handle this case (channel multiplier 1, float32). */
export function nativeDepthwiseApplies(
  info: tf.backend_util.Conv2DInfo,
  ...inputs: tf.TensorInfo[]
): boolean {
  return (
    info.outChannels === info.inChannels &&
    info.dataFormat === "channelsLast" &&
    inputs.every((input) => input.dtype === "float32")
  );
}

/** A depthwise conv's filter gradient, [KH, KW, C, 1], from NHWC x and dy. */
export function nativeDepthwiseFilterGrad(
  native: NativeKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const dw = native.output([kh, kw, c, 1]);
  const perPart = native.exports.depthwise_filter_grad_scratch(kh, kw, c);
  const scratch = native.scratch(perPart * native.parts);
  const address = native.address(dw);
  const args = [native.address(x), native.address(dy), address, scratch, 0, 0];
  native.parallel("depthwise_filter_grad", [...args, ...geometry(info)], PART_AT);
  native.exports.depthwise_filter_grad_reduce(address, scratch, native.parts, kh, kw, c);
  return dw;
}

/** A depthwise conv's input gradient, NHWC, from NHWC dy and the [KH, KW, C, 1] filter. */
export function nativeDepthwiseInputGrad(
  native: NativeKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const dx = native.output([info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
  const args = [native.address(dy), native.address(filter), native.address(dx), 0, 0];
  // No scratch: the part index comes right after the three tensors.
  native.parallel("depthwise_input_grad", [...args, ...geometry(info)], PART_AT - 1);
  return dx;
}
