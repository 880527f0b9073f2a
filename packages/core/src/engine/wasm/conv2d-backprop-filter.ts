import * as tf from "@tensorflow/tfjs";

import { nativeConv2dFilterGrad, nativeConvApplies } from "./native/conv2d.js";
import { nativeKernels } from "./native/instance.js";
import { transposeFast } from "./transpose-fast.js";
import { asTensor4D, explicitPadding, toChannelsLast, kernelInputs } from "./kernel-tensors.js";

/**
 * `Conv2DBackpropFilter` for wasm (missing from tfjs-backend-wasm 4.22).
 *
 * graft's native kernel (native/conv2d.c) computes it where it can run. The
 * fallback, built from tfjs ops: the filter gradient dW[i, j, c, o] = Σ_{n,y,x} x[n, y·s + i, x·s + j, c] ·
 * dy[n, y, x, o] is itself a convolution once the batch axis plays the role
 * of the channel axis: convolve x as [C, H, W, N] with dy as a [OH, OW, N, O]
 * filter, swapping stride and dilation. One XNNPACK forward conv does the
 * whole reduction; the result comes out as [C, KH, KW, O].
 */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = kernelInputs(inputs, "x", "dy");
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );
    const native = nativeKernels(backend);
    if (native && nativeConvApplies(info, x, dy))
      return nativeConv2dFilterGrad(native, x, dy, info);
    return tf.tidy(() => {
      const input = toChannelsLast(asTensor4D(x), format);
      const grad = toChannelsLast(asTensor4D(dy), format);
      if (isPointwise(info)) return pointwiseFilterGrad(input, grad, info);
      const xt = transposeFast(input, [3, 1, 2, 0]);
      const dyt = transposeFast(grad, [1, 2, 0, 3]);
      const out = tf.conv2d(xt, dyt, 1, explicitPadding(info), "NHWC", [
        info.strideHeight,
        info.strideWidth,
      ]);
      // Padding may leave a few extra rows/columns past the filter's extent.
      const [fh, fw] = filterShape;
      const cropped =
        out.shape[1] === fh && out.shape[2] === fw
          ? out
          : tf.slice(out, [0, 0, 0, 0], [-1, fh, fw, -1]);
      return transposeFast(cropped, [1, 2, 0, 3]);
    });
  },
};

function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return info.filterHeight === 1 && info.filterWidth === 1 && top + bottom + left + right === 0;
}

// A 1×1 convolution is a matrix product over pixels, so its filter gradient
// is xᵀ·dy. wasm's MatMul is slow with transposeA, so transpose explicitly,
// and transpose whichever operand is smaller.
function pointwiseFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): tf.Tensor4D {
  const { batchSize, outHeight, outWidth, inChannels, outChannels, strideHeight, strideWidth } =
    info;
  const sampled =
    strideHeight === 1 && strideWidth === 1
      ? x
      : tf.stridedSlice(
          x,
          [0, 0, 0, 0],
          [
            batchSize,
            (outHeight - 1) * strideHeight + 1,
            (outWidth - 1) * strideWidth + 1,
            inChannels,
          ],
          [1, strideHeight, strideWidth, 1],
        );
  const pixels = batchSize * outHeight * outWidth;
  const x2 = sampled.reshape([pixels, inChannels]) as tf.Tensor2D;
  const dy2 = dy.reshape([pixels, outChannels]) as tf.Tensor2D;
  const product =
    inChannels <= outChannels
      ? tf.matMul(tf.transpose(x2), dy2)
      : tf.transpose(tf.matMul(tf.transpose(dy2), x2));
  return product.reshape([1, 1, inChannels, outChannels]);
}
