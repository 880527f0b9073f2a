import * as os from "node:os";

import * as tf from "@tensorflow/tfjs";

import { TrainingError } from "../errors.js";

/**
 * Bytes a training step keeps per example for each float of a layer output:
 * the activation itself, the intermediates its kernels save for the backward
 * pass (batch norm and ReLU6 keep several), and its gradient. Measured on the
 * pre-trained MobileNetV2 at 224 px on wasm (estimate 335 MiB per example):
 * the heap grew by ≈ 280 MiB per example with every layer training and
 * ≈ 145 MiB with the top 40 layers, so this errs on the safe side.
 */
export const TRAINING_BYTES_PER_ACTIVATION = 4 * 4;

/** wasm32 can address 4 GiB; tfjs-backend-wasm 4.22 lets its heap grow to 65 536 pages. */
const WASM_HEAP_MAX = 65_536 * 65_536;

/** Share of the free memory a step may plan to use: the heap fragments, and kernels need scratch space. */
const SAFETY = 0.5;

/** Memory a training step may use on the current engine. */
export interface MemoryBudget {
  /** TF.js backend name. */
  readonly engine: string;
  /** Bytes a step may use for activations (after the model's tensors). */
  readonly availableBytes: number;
  /** Where the limit comes from, for messages. */
  readonly limit: string;
}

/**
 * How much memory one training step may use now: on wasm the heap's 4 GiB
 * ceiling (or the machine's free memory if lower) less the tensors already
 * allocated; on the other engines the machine's free memory. Half of it, for
 * fragmentation and scratch space.
 */
export function trainingMemoryBudget(): MemoryBudget {
  const engine = tf.getBackend();
  const free = os.freemem();
  const used = tf.memory().numBytes;
  if (engine === "wasm") {
    const heapFree = WASM_HEAP_MAX - used;
    const limit =
      heapFree < free
        ? `the wasm heap's 4 GiB limit (${mib(used)} in use)`
        : "the machine's free memory";
    return { engine, availableBytes: Math.max(0, Math.min(heapFree, free) * SAFETY), limit };
  }
  return { engine, availableBytes: free * SAFETY, limit: "the machine's free memory" };
}

/**
 * Estimated bytes one example costs in a training step of `model`: every
 * layer's output size times {@link TRAINING_BYTES_PER_ACTIVATION}, plus the input.
 */
export function activationBytesPerExample(model: tf.LayersModel): number {
  let floats = 0;
  for (const input of model.inputs) floats += elements(input.shape);
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    // A layer applied several times (shared weights) has one output per call: count each.
    for (const node of layer.inboundNodes) {
      const shape = node.outputShapes;
      const shapes = (Array.isArray(shape[0]) ? shape : [shape]) as (number | null)[][];
      for (const s of shapes) floats += elements(s);
    }
  }
  return floats * TRAINING_BYTES_PER_ACTIVATION;
}

/** Bytes of the trainable weights' gradients, accumulated gradients and optimizer state (Adam: two slots). */
export function trainingStateBytes(
  variables: readonly { readonly shape: readonly (number | null)[] }[],
): number {
  return variables.reduce((n, v) => n + elementsOf(v.shape), 0) * 4 * 4;
}

/** What {@link chooseMicroBatch} needs. */
export interface MicroBatchRequest {
  /** Examples per update. */
  readonly batchSize: number;
  readonly bytesPerExample: number;
  /** Bytes held by gradients and optimizer state, taken off the budget first. @default 0 */
  readonly stateBytes?: number;
  readonly budget: MemoryBudget;
}

/**
 * The largest micro-batch (≤ `batchSize`) whose activations fit the budget.
 * @throws TrainingError with the bytes needed and available when one example does not fit
 */
export function chooseMicroBatch(request: MicroBatchRequest): number {
  const { batchSize, bytesPerExample, stateBytes = 0, budget } = request;
  const left = budget.availableBytes - stateBytes;
  const fits = Math.floor(left / bytesPerExample);
  if (fits < 1) {
    throw new TrainingError(
      `One training example needs about ${mib(bytesPerExample)} of activations` +
        (stateBytes > 0 ? ` plus ${mib(stateBytes)} of gradients and optimizer state` : "") +
        `, but ${mib(Math.max(0, budget.availableBytes))} is available on the ${budget.engine} engine (limit: ${budget.limit}).`,
      {
        fix: "use a smaller --input-size (activations grow with its square), unfreeze fewer layers (--unfreeze top:<n>), or cut the backbone earlier",
      },
    );
  }
  return Math.min(batchSize, fits);
}

function elements(shape: readonly (number | null)[]): number {
  return shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);
}

function elementsOf(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((n, d) => n * (d ?? 1), 1);
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}

/**
 * The micro-batch size for training `runner` with `variables` trainable:
 * `option` itself when a number (capped at `batchSize`), else the largest that
 * fits {@link trainingMemoryBudget}.
 */
export function resolveMicroBatch(
  option: number | "auto",
  batchSize: number,
  runner: tf.LayersModel,
  variables: readonly { readonly shape: readonly (number | null)[] }[],
): number {
  if (option !== "auto") return Math.min(option, batchSize);
  return chooseMicroBatch({
    batchSize,
    bytesPerExample: activationBytesPerExample(runner),
    stateBytes: trainingStateBytes(variables),
    budget: trainingMemoryBudget(),
  });
}
