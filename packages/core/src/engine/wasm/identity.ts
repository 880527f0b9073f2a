import * as tf from "@tensorflow/tfjs";

import { kernelInputs, replacingStock } from "./kernel-tensors.js";

/**
 * `Identity` for wasm that shares its input's data (one more reference)
 * instead of copying it, as the cpu backend does; tensors are immutable, so
 * nothing can tell the two apart. tfjs calls it for every `clone` and
 * same-dtype `cast`, several times per layer in a training step (≈ 1 ms of
 * copies per small-CNN step).
 */
export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { x } = kernelInputs(inputs, "x");
    (backend as tf.KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

/**
 * `Cast` for wasm that shares its input's data when the dtype does not
 * change (the stock kernel copies; `tf.moments`, hence every batch-norm layer
 * in training, casts float32 activations to float32), and runs the stock
 * kernel otherwise.
 */
export function createCastConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return replacingStock(stock, (args) => {
    const { x } = kernelInputs(args.inputs, "x");
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (x.dtype !== dtype) return stock.kernelFunc(args);
    (args.backend as tf.KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
