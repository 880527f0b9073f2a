import * as tf from "@tensorflow/tfjs";

import { transposeFast } from "./transpose-fast.js";
import { nativeDepthwiseFilterGrad, nativeDepthwiseApplies } from "./native/depthwise.js";
import { nativeKernels } from "./native/instance.js";
import { asTensor4D, explicitPadding, kernelInputs } from "./kernel-tensors.js";

/**
 * `DepthwiseConv2dNativeBackpropFilter` for wasm (missing from
 * tfjs-backend-wasm 4.22).
 *
 * Each (image, channel) pair is convolved on its own with its slice of dy:
 * fold the batch into the channel axis (x as [1, H, W, N·C], dy as an
 * [OH, OW, N·C, M] depthwise filter), run one forward depthwise conv with
 * stride and dilation swapped, and sum the N partial filters.
 */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = kernelInputs(inputs, "x", "dy");
    const { strides, dilations, pad, dimRoundingMode, filterShape } =
      attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    const [fh, fw, channels, multiplier] = filterShape;
    const [batch, height, width] = x.shape as [number, number, number, number];
    const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
    const native = nativeKernels(backend);
    if (native && nativeDepthwiseApplies(info, x, dy))
      return nativeDepthwiseFilterGrad(native, x, dy, info);
    return tf.tidy(() => {
      const folded = transposeFast(asTensor4D(x), [1, 2, 0, 3]).reshape([
        1,
        height,
        width,
        batch * channels,
      ]);
      const taps = transposeFast(
        asTensor4D(dy).reshape([batch, outHeight, outWidth, channels * multiplier]),
        [1, 2, 0, 3],
      ).reshape([outHeight, outWidth, batch * channels, multiplier]) as tf.Tensor4D;
      const out = tf.depthwiseConv2d(
        folded as tf.Tensor4D,
        taps,
        [info.dilationHeight, info.dilationWidth],
        explicitPadding(info),
        "NHWC",
        [info.strideHeight, info.strideWidth],
      );
      const cropped =
        out.shape[1] === fh && out.shape[2] === fw
          ? out
          : tf.slice(out, [0, 0, 0, 0], [-1, fh, fw, -1]);
      return tf.sum(cropped.reshape([fh, fw, batch, channels, multiplier]), 2);
    });
  },
};
