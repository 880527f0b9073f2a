import * as tf from "@tensorflow/tfjs";

import { asTensor4D, fromChannelsLast, toChannelsLast, kernelInputs } from "./kernel-tensors.js";
import { nativeConv2dInputGrad, nativeConvApplies } from "./native/conv2d.js";
import { nativeKernels } from "./native/instance.js";
import { flippedTaps, foldedRowTaps } from "./flipped-taps.js";
import { transposedConv } from "./transposed-conv.js";

/**
 * `Conv2DBackpropInput` for wasm (the input gradient of conv2d, also the
 * forward pass of `tf.conv2dTranspose`). The stock wasm kernel is a plain
 * loop, ~10× slower than the XNNPACK forward conv. graft's native kernel
 * (native/conv2d.c) replaces it where it can run; the fallback runs stride²
 * dense forward convolutions (see {@link transposedConv}).
 */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, filter } = kernelInputs(inputs, "dy", "filter");
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );
    const native = nativeKernels(backend);
    if (native && nativeConvApplies(info, dy, filter))
      return nativeConv2dInputGrad(native, dy, filter, info);
    return tf.tidy(() => {
      const taps = (backend as tf.KernelBackend).readSync(filter.dataId) as Float32Array;
      const filterShape = filter.shape as [number, number, number, number];
      const g = toChannelsLast(asTensor4D(dy), format);
      const dx = transposedConv(
        g,
        {
          inHeight: info.inHeight,
          inWidth: info.inWidth,
          filterHeight: info.filterHeight,
          filterWidth: info.filterWidth,
          strideHeight: info.strideHeight,
          strideWidth: info.strideWidth,
          dilationHeight: 1,
          dilationWidth: 1,
          padTop: info.padInfo.top,
          padLeft: info.padInfo.left,
        },
        (input, phase, padding) => {
          // Swap to [rows, cols, outC, inC]: dy's channels feed this conv.
          const sub = flippedTaps(
            taps,
            filterShape,
            phase,
            info.strideHeight,
            info.strideWidth,
            true,
          );
          return tf.conv2d(input, sub, 1, padding);
        },
        info.inChannels,
        // Folding column phases into channels pays off when the channel
        // blocks Pack would copy are short (measured: 3.3× faster with 3
        // channels, even at 16, 10 % slower at 32).
        info.inChannels < 32
          ? (input, phase, padding) => {
              const folded = foldedRowTaps(
                taps,
                filterShape,
                phase,
                info.strideHeight,
                info.strideWidth,
              );
              return tf.conv2d(input, folded, 1, padding);
            }
          : undefined,
      );
      return fromChannelsLast(dx, format);
    });
  },
};
