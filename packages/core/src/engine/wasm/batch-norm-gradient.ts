import * as tf from "@tensorflow/tfjs";

import { kernelInputs } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/** The wasm kernel behind graft's batch-norm gradient: [dx, dmean, dvariance, dscale, doffset]. */
export const BATCH_NORM_GRAD = "GraftBatchNormGrad";

export const batchNormGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_GRAD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x, mean, variance } = kernelInputs(inputs, "dy", "x", "mean", "variance");
    const scale = (inputs as { scale?: tf.TensorInfo }).scale;
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const native = nativeKernels(backend);
    if (!native) throw new Error(`${BATCH_NORM_GRAD} needs graft's native kernels`);
    const c = mean.shape[0] ?? 0;
    const size = tf.util.sizeFromShape(x.shape);
    const rows = size / c;
    const scratch = native.scratch(2 * c * native.parts + c);
    const at = (info: tf.TensorInfo) => native.address(info);
    // Partial sums per part, then the per-channel gradients and dx's factor.
    const sums = [at(dy), at(x), at(mean), scratch, 0, 0, rows, c];
    native.parallel("batch_norm_grad_sums", sums, 4, { items: size });
    const parts = sums[5]!;
    const outputs = [mean, mean, mean, mean].map(() => native.output(mean.shape));
    const dxScale = scratch + 4 * 2 * c * parts;
    native.exports.batch_norm_grad_finish(
      scratch,
      parts,
      at(variance),
      scale ? at(scale) : 0,
      varianceEpsilon,
      c,
      ...outputs.map(at),
      dxScale,
    );
    const dx = native.output(x.shape);
    native.parallel("channel_scale", [at(dy), dxScale, at(dx), 0, 0, rows, c], 3, { items: size });
    return [dx, ...outputs];
  },
};

/**
 * The gradient of `tf.batchNorm` (FusedBatchNorm) with per-channel
 * statistics, the batch-norm layer's case, as one native kernel while the
 * wasm backend runs with graft's native kernels: one pass for the channel
 * sums, one for dx. tfjs's own takes ≈ 20 kernels, several of them over the
 * whole activation (one a Tile of 1/√(var + ε) to its full shape). tfjs's
 * gradient everywhere else.
 */
export function createBatchNormGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const grad = dy as tf.Tensor;
      const c = x?.shape[x.shape.length - 1];
      const perChannel = (t: tf.Tensor | undefined) =>
        t !== undefined && t.dtype === "float32" && t.rank === 1 && t.size === c;
      if (
        !x ||
        x.dtype !== "float32" ||
        x.rank < 2 ||
        !perChannel(mean) ||
        !perChannel(variance) ||
        (scale !== undefined && !perChannel(scale)) ||
        !tf.util.arraysEqual(grad.shape, x.shape) ||
        !nativeKernels(tf.backend())
      )
        return stock.gradFunc(dy, saved, attrs);
      const inputs = scale
        ? { dy: grad, x, mean, variance, scale }
        : { dy: grad, x, mean, variance };
      // All five at once, outside the per-input thunks (each runs in its own tidy).
      const [dx, dmean, dvariance, dscale, doffset] = tf
        .engine()
        .runKernel(BATCH_NORM_GRAD, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[];
      return {
        x: () => dx!,
        mean: () => dmean!,
        variance: () => dvariance!,
        scale: () => dscale!,
        offset: () => doffset!,
      };
    },
  };
}
