import * as tf from "@tensorflow/tfjs";

/**
 * A cheaper gradient for `ClipByValue` (ReLU6 layers, `tf.layers.reLU({ maxValue })`)
 * while the wasm backend runs; other backends keep tfjs's own gradient.
 *
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
