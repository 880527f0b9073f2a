import * as tf from "@tensorflow/tfjs";
// Stock wasm kernels must be registered before graft replaces some of them.
import "@tensorflow/tfjs-backend-wasm";

import { createClipByValueGradient } from "./clip-gradient.js";
import { createCpuFallbackConfig } from "./cpu-fallback.js";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input.js";
import { depthwiseBackpropFilterConfig } from "./depthwise-backprop-filter.js";
import { depthwiseBackpropInputConfig } from "./depthwise-backprop-input.js";
import { createLeadingReduceConfig } from "./leading-reduce.js";
import { createTileConfig } from "./tile.js";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum.js";

/** graft's kernels for the wasm backend, by kernel name. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
  createCpuFallbackConfig(tf.Conv3DBackpropFilterV2),
  createCpuFallbackConfig(tf.Conv3DBackpropInputV2),
];

/**
 * Registers graft's training kernels for the wasm backend: the backward
 * kernels tfjs-backend-wasm 4.22 lacks (conv filter gradient, depthwise
 * gradients, UnsortedSegmentSum), faster versions of stock kernels (conv
 * input gradient, Tile, Sum and Mean over leading axes), and a cheaper
 * ClipByValue (ReLU6) gradient that only acts while wasm runs, all built
 * from the backend's fast forward kernels; plus correct (cpu-speed) Conv3D
 * backprops in place of wasm's wrong ones. Idempotent; safe to call before
 * or after the wasm backend is initialised. The engine loader calls it when
 * it picks wasm.
 */
export function registerWasmTrainingKernels(): void {
  for (const [name, wrap] of WRAPPED) {
    const stock = tf.getKernel(name, "wasm");
    if (!stock || ours.has(stock.kernelFunc)) continue;
    const config = wrap(stock);
    ours.add(config.kernelFunc);
    install(config);
  }
  for (const config of WASM_TRAINING_KERNELS) install(config);
  const clipGradient = tf.getGradient(tf.ClipByValue);
  if (clipGradient && !ours.has(clipGradient.gradFunc)) {
    const config = createClipByValueGradient(clipGradient);
    ours.add(config.gradFunc);
    tf.registerGradient(config);
  }
}

// Stock kernels graft speeds up for some inputs and falls back to otherwise.
const WRAPPED: readonly (readonly [string, (stock: tf.KernelConfig) => tf.KernelConfig])[] = [
  [tf.Tile, createTileConfig],
  [tf.Sum, (stock) => createLeadingReduceConfig("Sum", stock)],
  [tf.Mean, (stock) => createLeadingReduceConfig("Mean", stock)],
];

const ours = new WeakSet<tf.KernelFunc | tf.GradFunc>(
  WASM_TRAINING_KERNELS.map((config) => config.kernelFunc),
);

function install(config: tf.KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, "wasm");
  if (existing?.kernelFunc === config.kernelFunc) return;
  // Replacing a stock kernel: unregister first, since registerKernel keeps
  // the old one and only warns.
  if (existing) tf.unregisterKernel(config.kernelName, "wasm");
  tf.registerKernel(config);
}
