import * as tf from "@tensorflow/tfjs";

import { kernelInputs } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/** The wasm kernel behind graft's ReLU gradient: dx = dy where x > 0, else 0. */
export const RELU_GRAD = "GraftReluGrad";

export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = kernelInputs(inputs, "dy", "x");
    const native = nativeKernels(backend);
    if (!native) throw new Error(`${RELU_GRAD} needs graft's native kernels`);
    const dx = native.output(x.shape);
    const size = tf.util.sizeFromShape(x.shape);
    const addresses = [dy, x, dx].map((info) => native.address(info));
    native.parallel("relu_grad", [...addresses, 0, 0, size], 3, { items: size });
    return dx;
  },
};

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
