import * as tf from "@tensorflow/tfjs";
// Stock wasm kernels must be registered before graft replaces some of them.
import "@tensorflow/tfjs-backend-wasm";

import { createBatchMatMulConfig } from "./batch-mat-mul.js";
import { createBatchNormConfig } from "./batch-norm.js";
import { batchNormGradConfig, createBatchNormGradient } from "./batch-norm-gradient.js";
import { createChannelBroadcastConfig } from "./channel-broadcast.js";
import { clipGradConfig, createClipByValueGradient } from "./clip-gradient.js";
import { createCpuFallbackConfig } from "./cpu-fallback.js";
import { createConvForwardConfig } from "./conv-forward.js";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input.js";
import { depthwiseBackpropFilterConfig } from "./depthwise-backprop-filter.js";
import { depthwiseBackpropInputConfig } from "./depthwise-backprop-input.js";
import { createCastConfig, identityConfig } from "./identity.js";
import { createLeadingReduceConfig } from "./leading-reduce.js";
import { createMeanGradient, meanGradConfig } from "./mean-gradient.js";
import { createReluGradient, reluGradConfig } from "./relu-gradient.js";
import { createTileConfig } from "./tile.js";
import { createTileGradient } from "./tile-gradient.js";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum.js";
import { createFusedMatMulConfig } from "./xnn-weight-cache.js";

/** graft's kernels for the wasm backend, by kernel name. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
  identityConfig,
  reluGradConfig,
  clipGradConfig,
  batchNormGradConfig,
  meanGradConfig,
  createCpuFallbackConfig(tf.Conv3DBackpropFilterV2),
  createCpuFallbackConfig(tf.Conv3DBackpropInputV2),
];

/**
 * Registers graft's training kernels for the wasm backend: the backward
 * kernels tfjs-backend-wasm 4.22 lacks (conv filter gradient, depthwise
 * gradients, UnsortedSegmentSum), faster versions of stock kernels (conv
 * input gradient, Tile, Sum and Mean over leading axes, per-channel Add,
 * Multiply and batch norm, BatchMatMul with a transposed operand, a
 * copy-free Identity), and cheaper ClipByValue (ReLU6), ReLU and Tile
 * gradients that only act while wasm runs. Where it can, the work runs in graft's
 * native SIMD kernels (native/*.c, loaded by native/instance.ts); otherwise it
 * is built from the backend's fast forward kernels. Also correct (cpu-speed)
 * Conv3D backprops in place of wasm's wrong ones. Idempotent; safe to call before
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
  for (const [name, wrap] of GRADIENTS) {
    const stock = tf.getGradient(name);
    if (!stock || ours.has(stock.gradFunc)) continue;
    const config = wrap(stock);
    ours.add(config.gradFunc);
    tf.registerGradient(config);
  }
}

// Gradients graft computes with fewer kernels while wasm runs.
const GRADIENTS: readonly (readonly [string, (stock: tf.GradConfig) => tf.GradConfig])[] = [
  [tf.ClipByValue, createClipByValueGradient],
  [tf.Relu, createReluGradient],
  [tf.FusedBatchNorm, createBatchNormGradient],
  [tf.Mean, createMeanGradient],
  [tf.Tile, createTileGradient],
];

// Stock kernels graft speeds up for some inputs and falls back to otherwise.
const WRAPPED: readonly (readonly [string, (stock: tf.KernelConfig) => tf.KernelConfig])[] = [
  [tf.Tile, createTileConfig],
  [tf.BatchMatMul, createBatchMatMulConfig],
  [tf._FusedMatMul, createFusedMatMulConfig],
  [tf.Cast, createCastConfig],
  [tf.Add, (stock) => createChannelBroadcastConfig("Add", stock)],
  [tf.Multiply, (stock) => createChannelBroadcastConfig("Multiply", stock)],
  [tf.FusedBatchNorm, createBatchNormConfig],
  [tf.Conv2D, (stock) => createConvForwardConfig("Conv2D", stock)],
  [tf.FusedConv2D, (stock) => createConvForwardConfig("FusedConv2D", stock)],
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
