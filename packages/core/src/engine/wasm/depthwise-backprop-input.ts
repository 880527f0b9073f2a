import * as tf from "@tensorflow/tfjs";

import { nativeDepthwiseInputGrad, nativeDepthwiseApplies } from "./native/depthwise.js";
import { nativeKernels } from "./native/instance.js";
import { asTensor4D, kernelInputs } from "./kernel-tensors.js";
import { flippedTaps } from "./flipped-taps.js";
import { transposedConv } from "./transposed-conv.js";

/**
 * `DepthwiseConv2dNativeBackpropInput` for wasm (missing from
 * tfjs-backend-wasm 4.22): a transposed depthwise convolution run as
 * stride² forward depthwise convs (see {@link transposedConv}). With a
 * channel multiplier M > 1, each of the C·M gradient channels is convolved
 * with its own tap and the M contributions to an input channel are summed.
 */
export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, filter } = kernelInputs(inputs, "dy", "filter");
    const { strides, dilations, pad, dimRoundingMode, inputShape } =
      attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    const filterShape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    const [, , channels, multiplier] = filterShape;
    const native = nativeKernels(backend);
    if (native && nativeDepthwiseApplies(info, dy, filter))
      return nativeDepthwiseInputGrad(native, dy, filter, info);
    return tf.tidy(() => {
      const taps = (backend as tf.KernelBackend).readSync(filter.dataId) as Float32Array;
      const dx = transposedConv(
        asTensor4D(dy),
        {
          inHeight: info.inHeight,
          inWidth: info.inWidth,
          filterHeight: info.filterHeight,
          filterWidth: info.filterWidth,
          strideHeight: info.strideHeight,
          strideWidth: info.strideWidth,
          dilationHeight: info.dilationHeight,
          dilationWidth: info.dilationWidth,
          padTop: info.padInfo.top,
          padLeft: info.padInfo.left,
        },
        (input, phase, padding) => {
          const sub = flippedTaps(
            taps,
            filterShape,
            phase,
            info.strideHeight,
            info.strideWidth,
            false,
          );
          const [rows, cols] = sub.shape;
          const perChannel = sub.reshape([rows, cols, channels * multiplier, 1]) as tf.Tensor4D;
          return tf.depthwiseConv2d(input, perChannel, 1, padding, "NHWC", [
            info.dilationHeight,
            info.dilationWidth,
          ]);
        },
        channels * multiplier,
      );
      if (multiplier === 1) return dx;
      const [batch, height, width] = dx.shape;
      return tf.sum(dx.reshape([batch, height, width, channels, multiplier]), 4);
    });
  },
};
