import type * as tf from "@tensorflow/tfjs";

import type { NativeKernels } from "./instance.js";

// Where the part index sits in a native conv kernel's arguments (the part
// count follows it): after the three tensors and the scratch buffer.
export const PART_AT = 4;

// The geometry arguments every native conv kernel takes after its pointers.
export function geometry(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/**
 * Whether the input has so few channels that copying patches would cost as
 * much as the products: such convolutions run by output rows, reading x in
 * place (native/conv2d_rows.c; undilated columns only).
 */
export function fewChannels(info: tf.backend_util.Conv2DInfo): boolean {
  return info.inChannels < 8 && info.dilationWidth === 1;
}

/** Whether the native conv kernels handle this geometry (NHWC, float32). */
export function nativeConvApplies(info: tf.backend_util.Conv2DInfo, ...inputs: tf.TensorInfo[]) {
  return info.dataFormat === "channelsLast" && inputs.every((input) => input.dtype === "float32");
}

/** conv2d's filter gradient, [KH, KW, C, O], from NHWC x and dy. */
export function nativeConv2dFilterGrad(
  native: NativeKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: c, outChannels: o } = info;
  const dw = native.output([kh, kw, c, o]);
  const perPart = native.exports.conv2d_filter_grad_scratch(kh, kw, c, o);
  const scratch = native.scratch(perPart * native.parts);
  const address = native.address(dw);
  const args = [native.address(x), native.address(dy), address, scratch, 0, 0, ...geometry(info)];
  native.parallel(
    fewChannels(info) ? "conv2d_filter_grad_rows" : "conv2d_filter_grad",
    args,
    PART_AT,
  );
  native.exports.conv2d_filter_grad_reduce(address, scratch, native.parts, kh, kw, c, o);
  return dw;
}

/** conv2d's input gradient, NHWC like x, from NHWC dy and the [KH, KW, C, O] filter. */
export function nativeConv2dInputGrad(
  native: NativeKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: c, outChannels: o } = info;
  const dx = native.output([info.batchSize, info.inHeight, info.inWidth, c]);
  const perPart = native.exports.conv2d_input_grad_scratch(kh, kw, c, o);
  const scratch = native.scratch(perPart * native.parts);
  const args = [native.address(dy), native.address(filter), native.address(dx), scratch, 0, 0];
  native.parallel("conv2d_input_grad", [...args, ...geometry(info)], PART_AT);
  return dx;
}

/** conv2d's forward pass by output rows (see {@link fewChannels}), NHWC. */
export function nativeConv2dRows(
  native: NativeKernels,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const y = native.output([info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  const args = [native.address(x), native.address(filter), native.address(y), 0, 0];
  // No scratch: the part index comes right after the three tensors.
  native.parallel("conv2d_rows", [...args, ...geometry(info)], PART_AT - 1);
  return y;
}
