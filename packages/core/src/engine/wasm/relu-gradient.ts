import * as tf from "@tensorflow/tfjs";

import { maskGradientKernel } from "./mask-gradient.js";
import { nativeKernels } from "./native/instance.js";

/** The wasm kernel behind graft's ReLU gradient: dx = dy where x > 0, else 0. */
export const RELU_GRAD = "GraftReluGrad";

export const reluGradConfig = maskGradientKernel(RELU_GRAD, "relu_grad");

/**
 * ReLU's gradient in one native pass while the wasm backend runs with graft's
 * native kernels (tfjs's own, dy · cast(step(x)), takes three kernels and
 * two temporaries); tfjs's gradient everywhere else.
 */
export function createReluGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: tf.Relu,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      if (!x || x.dtype !== "float32" || !nativeKernels(tf.backend()))
        return stock.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: grad, x }, {}) as tf.Tensor };
    },
  };
}
