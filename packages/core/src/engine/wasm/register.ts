import * as tf from "@tensorflow/tfjs";
// Stock wasm kernels must be registered before graft replaces some of them.
import "@tensorflow/tfjs-backend-wasm";

import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input.js";
import { depthwiseBackpropFilterConfig } from "./depthwise-backprop-filter.js";
import { depthwiseBackpropInputConfig } from "./depthwise-backprop-input.js";
import { createTileConfig } from "./tile.js";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum.js";

/** graft's kernels for the wasm backend, by kernel name. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Registers graft's training kernels for the wasm backend: the backward
 * kernels tfjs-backend-wasm 4.22 lacks (conv filter gradient, depthwise
 * gradients, UnsortedSegmentSum) and faster versions of two stock kernels
 * (conv input gradient, Tile). Each is built from the backend's fast forward
 * kernels. Idempotent; safe to call before or after the wasm backend is
 * initialised. The engine loader calls it when it picks wasm.
 */
export function registerWasmTrainingKernels(): void {
  const stockTile = tf.getKernel(tf.Tile, "wasm");
  if (stockTile && !ours.has(stockTile.kernelFunc)) {
    const tile = createTileConfig(stockTile);
    ours.add(tile.kernelFunc);
    install(tile);
  }
  for (const config of WASM_TRAINING_KERNELS) install(config);
}

const ours = new WeakSet<tf.KernelFunc>(WASM_TRAINING_KERNELS.map((config) => config.kernelFunc));

function install(config: tf.KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, "wasm");
  if (existing?.kernelFunc === config.kernelFunc) return;
  // Replacing a stock kernel: unregister first, since registerKernel keeps
  // the old one and only warns.
  if (existing) tf.unregisterKernel(config.kernelName, "wasm");
  tf.registerKernel(config);
}
