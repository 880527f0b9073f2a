import * as tf from "@tensorflow/tfjs";

import { maskGradientKernel } from "./mask-gradient.js";
import { nativeKernels } from "./native/instance.js";

/** The wasm kernel behind graft's ClipByValue gradient: dx = dy where min ≤ x ≤ max, else 0. */
export const CLIP_GRAD = "GraftClipGrad";

export const clipGradConfig = maskGradientKernel(CLIP_GRAD, "clip_grad", (attrs) => {
  const { clipValueMin, clipValueMax } = attrs as unknown as tf.ClipByValueAttrs;
  return [clipValueMin, clipValueMax];
});

/**
 * A cheaper gradient for `ClipByValue` (ReLU6 layers, `tf.layers.reLU({ maxValue })`)
 * while the wasm backend runs; other backends keep tfjs's own gradient.
 * With graft's native kernels it is one pass ({@link CLIP_GRAD}, same
 * result as tfjs's). Without them:
 * tfjs builds the mask with GreaterEqual, LessEqual, LogicalAnd and Select,
 * whose wasm kernels broadcast the scalar bounds slowly (~70 ms for a
 * [32, 48, 48, 48] activation). `x == clip(x)` is the same mask (true exactly
 * when min ≤ x ≤ max, false for NaN) from two fast kernels, ~2.4× cheaper.
 * Unlike Select, the product keeps a NaN or ±Inf of dy where the mask is 0.
 */
export function createClipByValueGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.ClipByValue,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== "wasm") return stock.gradFunc(dy, saved, attrs);
      const [x] = saved;
      const { clipValueMin, clipValueMax } = attrs as unknown as tf.ClipByValueAttrs;
      const grad = dy as tf.Tensor;
      if (x?.dtype === "float32" && grad.dtype === "float32" && nativeKernels(tf.backend()))
        return {
          x: () =>
            tf.engine().runKernel(CLIP_GRAD, { dy: grad, x }, {
              clipValueMin,
              clipValueMax,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
        };
      return {
        x: () => {
          if (!x) throw new Error("graft ClipByValue gradient: the input was not saved");
          const inside = tf.equal(x, tf.clipByValue(x, clipValueMin, clipValueMax));
          return tf.mul(grad, tf.cast(inside, grad.dtype));
        },
      };
    },
  };
}
