import type * as tf from "@tensorflow/tfjs";

import { stratifiedSplit } from "../data/split.js";
import { subsetDataset } from "../data/tensor-dataset.js";
import type { FreezePolicy } from "../transfer/freeze.js";
import {
  freezeBatchNormStatistics,
  runFrozenLayersInInferenceMode,
} from "../transfer/frozen-inference.js";
import type { Backbone, Dataset, Json, Task } from "../types.js";
import type { FitOptions, TrainingPhase } from "./options.js";
import { validateFitOptions } from "./options.js";
import { phaseRecords, type PhaseRecord } from "./phase-records.js";
import { runPhase, type FitRun } from "./phase-runner.js";
import { ProgressReporter } from "./progress.js";
import { releaseCheckpoint, resumeFrom, runFingerprint } from "./resume.js";
import { balancedClassWeights, checkLabels } from "./targets.js";

/** What `fit` needs from a transfer model. */
export interface Trainable {
  readonly backbone: Backbone;
  readonly model: tf.LayersModel;
  readonly headModel: tf.LayersModel;
  readonly task: Task;
  readonly preprocessing: Json;
  freeze(policy: FreezePolicy): string[];
  readonly freezePolicy: FreezePolicy;
}

/** Metrics of one epoch. */
export interface EpochRecord {
  readonly phase: string;
  readonly epoch: number;
  readonly freeze: string;
  readonly cachedFeatures: boolean;
  /** Examples per forward/backward pass (gradients of a batch's passes are accumulated). */
  readonly microBatchSize?: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** What training did, epoch by epoch. */
export interface TrainingHistory {
  readonly epochs: readonly EpochRecord[];
  /** Why training ended before the schedule did, if it did. */
  readonly stopped?: "aborted" | "early-stopping";
  /** The phases that trained, each with its freeze policy and rates. */
  readonly phases: readonly PhaseRecord[];
  readonly trainExamples: number;
  readonly validationExamples: number;
}

/**
 * Runs a (staged) training schedule on `net`: phase by phase (see
 * `runPhase`), resuming from a checkpoint when asked. See {@link FitOptions}.
 */
export async function fit(
  net: Trainable,
  data: Dataset,
  options: FitOptions = {},
): Promise<TrainingHistory> {
  validateFitOptions(options);
  const {
    batchSize = 32,
    learningRate = 1e-3,
    optimizer = "adam",
    seed = 0,
    shuffle = true,
  } = options;
  checkLabels(net.task, data.labels);
  const { train, validation } = splitValidation(data, options.validation, seed);
  if (validation) checkLabels(net.task, validation.labels, "validation data");
  const classWeights =
    options.classWeights === "balanced"
      ? balancedClassWeights(net.task, train.labels)
      : options.classWeights;
  const phases: TrainingPhase[] = options.phases
    ? [...options.phases]
    : [{ epochs: options.epochs ?? 10, freeze: net.freezePolicy }];
  const batchesPerEpoch = Math.ceil(train.size / batchSize);
  const totalBatches = phases.reduce((n, p) => n + p.epochs * batchesPerEpoch, 0);
  const fingerprint = runFingerprint(phases, batchSize, seed, train.size);
  const resumed =
    options.resume && options.checkpoint
      ? await resumeFrom<EpochRecord>(options.checkpoint.dir, net.model, fingerprint)
      : undefined;
  const records: EpochRecord[] = [...(resumed?.state.records ?? [])];
  const progress = new ProgressReporter(
    options.onProgress,
    totalBatches,
    batchesPerEpoch,
    records.length * batchesPerEpoch,
  );
  const run: FitRun = {
    net,
    train,
    validation,
    options,
    batchSize,
    learningRate,
    optimizer,
    seed,
    shuffle,
    classWeights,
    phases: phases.length,
    records,
    progress,
    cached: new Map(),
    resumed,
    fingerprint,
  };
  let stopped: TrainingHistory["stopped"];
  runFrozenLayersInInferenceMode(net.model.layers);
  freezeBatchNormStatistics(net.model.layers, options.freezeBatchNorm === true);
  try {
    for (const [phaseIndex, phase] of phases.entries()) {
      stopped = await runPhase(run, phase, phaseIndex);
      if (stopped === "aborted") break;
      // Early stopping ends a phase; the run ends only if it was the last.
      if (stopped === "early-stopping" && phaseIndex < phases.length - 1) stopped = undefined;
    }
  } finally {
    freezeBatchNormStatistics(net.model.layers, false);
    for (const d of run.cached.values()) d.dispose?.();
    releaseCheckpoint(resumed);
  }
  progress.end(phases.length, records);
  return {
    epochs: records,
    ...(stopped ? { stopped } : {}),
    phases: phaseRecords(phases, records, learningRate),
    trainExamples: train.size,
    validationExamples: validation?.size ?? 0,
  };
}

function splitValidation(
  data: Dataset,
  validation: FitOptions["validation"],
  seed: number,
): { train: Dataset; validation?: Dataset } {
  if (validation === undefined) return { train: data };
  if (typeof validation !== "number") return { train: data, validation };
  const split = stratifiedSplit(data.labels, { validation, seed });
  return {
    train: subsetDataset(data, split.train),
    validation: subsetDataset(data, split.validation),
  };
}
