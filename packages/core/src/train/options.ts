import type * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import type { FreezePolicy } from "../transfer/freeze.js";
import type { Dataset } from "../types.js";
import type { FeatureCache } from "../cache/feature-cache.js";
import type { CheckpointOptions } from "./checkpoint.js";

/** One stage of a schedule, e.g. "head only for 5 epochs", then "top 2 layers at a tenth of the rate". */
export interface TrainingPhase {
  /** Shown in progress events and the history. @default "phase <n>" */
  name?: string;
  epochs: number;
  /** How much of the backbone trains in this phase. @default the model's current policy */
  freeze?: FreezePolicy;
  /** Learning rate of the head. @default FitOptions.learningRate */
  learningRate?: number;
  /**
   * Learning rate of the unfrozen backbone layers, as a multiple of the head's
   * (discriminative learning rates). @default 1
   */
  backboneLrMult?: number;
}

/** Something that happened during training, for progress bars and logs. */
export interface ProgressEvent {
  readonly type: "phase-begin" | "batch-end" | "epoch-end" | "end";
  readonly phase: number;
  readonly phaseName: string;
  readonly phases: number;
  /** 1-based epoch within the phase. */
  readonly epoch: number;
  readonly epochs: number;
  /** 1-based batch within the epoch. */
  readonly batch: number;
  readonly batches: number;
  /** Running mean loss of the epoch so far. */
  readonly loss: number;
  /** Epoch metrics (on `epoch-end`): loss, accuracy, val_loss, val_accuracy. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Estimated seconds left for the whole schedule. */
  readonly etaSeconds: number;
  /** Whether this phase trains on cached backbone features. */
  readonly cachedFeatures: boolean;
}

/** Options of `TransferModel.fit`. */
export interface FitOptions {
  /** Epochs of a single phase with the model's current freeze policy (ignored when `phases` is given). @default 10 */
  epochs?: number;
  /** A staged schedule; phases run in order. */
  phases?: readonly TrainingPhase[];
  /** @default 32 */
  batchSize?: number;
  /**
   * Examples per forward/backward pass. A batch of `batchSize` examples is
   * split into micro-batches whose gradients are accumulated into one update,
   * so `batchSize` means the same on every engine. `"auto"` picks the largest
   * micro-batch whose activations fit the engine's memory (on wasm, its 4 GiB
   * heap) and throws a `TrainingError` when one example does not fit.
   * Trainable BatchNormalization layers then see micro-batch statistics; see
   * `freezeBatchNorm`. @default "auto"
   */
  microBatchSize?: number | "auto";
  /**
   * Run BatchNormalization layers with their moving statistics while training
   * (inference mode): unfrozen BN layers still learn scale and offset, but do
   * not normalise by (micro-)batch statistics nor update their averages. The
   * usual choice when fine-tuning on small data. @default false
   */
  freezeBatchNorm?: boolean;
  /** @default 1e-3 */
  learningRate?: number;
  /** @default "adam" */
  optimizer?: "adam" | "sgd" | "rmsprop";
  /** Held-out data, or the fraction of the training data to hold out (stratified). @default none */
  validation?: Dataset | number;
  /** Per-class loss weights, or "balanced" (inverse class frequency). Not for multilabel. */
  classWeights?: "balanced" | readonly number[];
  /** Stop when the monitored metric has not improved for `patience` epochs (per phase). */
  earlyStopping?: {
    patience: number;
    monitor?: "val_loss" | "val_accuracy" | "loss";
    restoreBest?: boolean;
  };
  /** Applied to each training batch (never at prediction). Disables the feature cache. */
  augment?: (x: tf.Tensor) => tf.Tensor;
  /**
   * Train the head on backbone features computed once, when the backbone is
   * frozen and nothing augments the inputs. Pass a `FeatureCache` to keep
   * features on disk between runs. @default true
   */
  featureCache?: boolean | FeatureCache;
  /**
   * What the datasets hold: `"raw"` inputs of the whole model, or `"features"`
   * the backbone already produced (e.g. embeddings computed once over a long
   * recording), which train the head alone. `"features"` needs the backbone
   * frozen in every phase and no `augment`. @default "raw"
   */
  inputs?: "raw" | "features";
  /** Seeds shuffling and the validation split. @default 0 */
  seed?: number;
  /** @default true */
  shuffle?: boolean;
  /** Write weights, optimizer state and progress to `checkpoint.dir` every `everyEpochs` epochs (atomically). */
  checkpoint?: CheckpointOptions;
  /**
   * Continue from the checkpoint in `checkpoint.dir` when there is one: same
   * weights, optimizer state and shuffles, so the loss curve continues as if
   * never interrupted. @default false
   */
  resume?: boolean;
  /** Stops training cleanly between batches; `fit` then resolves with `stopped: "aborted"`. */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** Checks options before any work starts, so a typo fails in milliseconds, not after an epoch. */
export function validateFitOptions(options: FitOptions): void {
  const positiveInt = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new ConfigError(`${name} must be a positive integer, got ${value}.`);
    }
  };
  positiveInt("batchSize", options.batchSize);
  positiveInt("epochs", options.epochs);
  if (options.microBatchSize !== "auto") positiveInt("microBatchSize", options.microBatchSize);
  options.phases?.forEach((p, i) => {
    if (!Number.isInteger(p.epochs) || p.epochs < 0) {
      throw new ConfigError(`phases[${i}].epochs must be a non-negative integer, got ${p.epochs}.`);
    }
    if (p.backboneLrMult !== undefined && !(p.backboneLrMult >= 0)) {
      throw new ConfigError(`phases[${i}].backboneLrMult must be ≥ 0, got ${p.backboneLrMult}.`);
    }
  });
  if (options.learningRate !== undefined && !(options.learningRate > 0)) {
    throw new ConfigError(`learningRate must be > 0, got ${options.learningRate}.`);
  }
  const v = options.validation;
  if (typeof v === "number" && !(v > 0 && v < 1)) {
    throw new ConfigError(`validation as a fraction must be between 0 and 1, got ${v}.`, {
      fix: "e.g. validation: 0.2",
    });
  }
  if (options.earlyStopping) positiveInt("earlyStopping.patience", options.earlyStopping.patience);
}
