import * as tf from "@tensorflow/tfjs";

import { kernelInputs } from "./kernel-tensors.js";
import { fewChannels, nativeConv2dRows, nativeConvApplies } from "./native/conv2d.js";
import { nativeKernels } from "./native/instance.js";

/**
 * `Conv2D` for wasm: convolutions of images with few channels (an RGB stem)
 * run on graft's native kernel by output rows, ≈ 2× faster than XNNPACK's
 * on the small CNN's stem; everything else on the stock kernel, which is as
 * fast as graft's patch-based products for wider inputs.
 */
export function createConv2dConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Conv2D,
    backendName: "wasm",
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc: (args) => {
      const { x, filter } = kernelInputs(args.inputs, "x", "filter");
      const { strides, pad, dataFormat, dilations, dimRoundingMode } =
        args.attrs as unknown as tf.Conv2DAttrs;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        strides,
        dilations,
        pad,
        dimRoundingMode,
        false,
        tf.backend_util.convertConv2DDataFormat(dataFormat),
      );
      const native = nativeKernels(args.backend);
      if (native && nativeConvApplies(info, x, filter) && fewChannels(info))
        return nativeConv2dRows(native, x, filter, info);
      return stock.kernelFunc(args);
    },
  };
}
