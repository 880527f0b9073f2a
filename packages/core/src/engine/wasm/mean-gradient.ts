import * as tf from "@tensorflow/tfjs";

import { kernelInputs } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/** The wasm kernel behind graft's Mean gradient: dy spread over the reduced axes, divided by their size. */
export const MEAN_GRAD = "GraftMeanGrad";

interface MeanGradAttrs {
  shape: number[];
  batches: number;
  rows: number;
}

export const meanGradConfig: tf.KernelConfig = {
  kernelName: MEAN_GRAD,
  backendName: "wasm",
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy } = kernelInputs(inputs, "dy");
    const { shape, batches, rows } = attrs as unknown as MeanGradAttrs;
    const native = nativeKernels(backend);
    if (!native) throw new Error(`${MEAN_GRAD} needs graft's native kernels`);
    const dx = native.output(shape);
    const size = tf.util.sizeFromShape(shape);
    const c = size / (batches * rows);
    const args = [native.address(dy), native.address(dx), 0, 0, batches, rows, c, 1 / rows];
    native.parallel("broadcast_rows", args, 2, { floats: [7], items: size });
    return dx;
  },
};

/**
 * The gradient of a mean over a run of axes that keeps the last one (global
 * average pooling, the batch statistics of a batch-norm layer) as one native
 * broadcast pass while the wasm backend runs with graft's native kernels;
 * tfjs's own (dy · ones(x.shape) / n) writes three full-size tensors.
 * tfjs's gradient everywhere else.
 */
export function createMeanGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      if (!x || grad.dtype !== "float32") return stock.gradFunc(dy, saved, attrs);
      const rank = x.rank;
      const axes = tf.util
        .parseAxisParam((attrs as unknown as tf.MeanAttrs).axis, x.shape)
        .sort((a, b) => a - b);
      const first = axes[0] ?? 0;
      const last = axes[axes.length - 1] ?? rank - 1;
      const size = (from: number, to: number) => tf.util.sizeFromShape(x.shape.slice(from, to));
      if (
        axes.length === 0 ||
        last - first !== axes.length - 1 ||
        last >= rank - 1 ||
        !nativeKernels(tf.backend())
      )
        return stock.gradFunc(dy, saved, attrs);
      const kernelAttrs = { shape: x.shape, batches: size(0, first), rows: size(first, last + 1) };
      return {
        x: () =>
          tf
            .engine()
            .runKernel(
              MEAN_GRAD,
              { dy: grad },
              kernelAttrs as unknown as tf.NamedAttrMap,
            ) as tf.Tensor,
      };
    },
  };
}
