import * as tf from "@tensorflow/tfjs";

import { asTensor, replacingStock } from "./kernel-tensors.js";

/**
 * Guards wasm's plain matrix product against a stale operator.
 *
 * tfjs-backend-wasm 4.22 runs a·b through an XNNPACK fully-connected operator
 * that it builds once per `b` and caches under b's data id alone: the shape
 * is not part of the key. A reshape shares its input's data id, so a view of
 * the same values with another [K, N] shape meets the operator packed for
 * the first one and the product comes out wrong (a [6, 4] then a [4, 6] view
 * of 24 values gives 12 wrong numbers). Weights keep one shape, which is why
 * the stock kernels rarely hit it; once activations become `b` (as in the
 * transposed products of a backward pass), it broke training outright.
 *
 * `b`'s inner shape is remembered per data id; a data id seen before with
 * another shape is given to the stock kernel as a fresh copy, whose new id
 * gets its own operator.
 */
export function stockProductWithFreshWeights(
  stock: tf.KernelConfig,
  args: Parameters<tf.KernelFunc>[0],
): ReturnType<tf.KernelFunc> {
  const b = args.inputs["b"];
  if (!b || b.dtype !== "float32" || b.shape.length < 2) return stock.kernelFunc(args);
  const inner = `${b.shape[b.shape.length - 2]}x${b.shape[b.shape.length - 1]}`;
  const seen = innerShapeOf.get(b.dataId);
  if (seen === undefined) innerShapeOf.set(b.dataId, inner);
  if (seen === undefined || seen === inner) return stock.kernelFunc(args);
  const copy = tf.tidy(() => tf.mul(asTensor(b), tf.scalar(1)));
  innerShapeOf.set(copy.dataId, inner);
  try {
    return stock.kernelFunc({ ...args, inputs: { ...args.inputs, b: copy } });
  } finally {
    copy.dispose();
  }
}

/** wasm's `_FusedMatMul` (a dense layer's forward pass) with the same guard. */
export function createFusedMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return replacingStock(stock, (args) => stockProductWithFreshWeights(stock, args));
}

// The [K, N] shape each data id was last handed to XNNPACK as `b` with.
// Keyed weakly: ids of disposed tensors drop out with them.
const innerShapeOf = new WeakMap<object, string>();
