import * as tf from "@tensorflow/tfjs";

import { computeFeatures, FeatureCache } from "../cache/feature-cache.js";
import { createRng } from "../data/random.js";
import { stratifiedSplit } from "../data/split.js";
import { range, subsetDataset, tensorDataset } from "../data/tensor-dataset.js";
import { formatFreezePolicy, type FreezePolicy } from "../transfer/freeze.js";
import type { Backbone, Dataset, Json, Task } from "../types.js";
import { writeCheckpoint, type CheckpointState } from "./checkpoint.js";
import { freezeBatchNormStatistics, runFrozenLayersInInferenceMode } from "../transfer/frozen-inference.js";
import { EarlyStopping } from "./early-stopping.js";
import { runEpoch, validate } from "./epoch.js";
import type { FitOptions, TrainingPhase } from "./options.js";
import { validateFitOptions } from "./options.js";
import { createParamGroup, disposeParamGroups, type ParamGroup } from "./param-groups.js";
import { resolveMicroBatch } from "./memory-budget.js";
import { resumeFrom } from "./resume.js";
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
  readonly trainExamples: number;
  readonly validationExamples: number;
}

/** Runs a (staged) training schedule on `net`. See {@link FitOptions}. */
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
  const started = performance.now();
  let batchesDone = 0;
  const records: EpochRecord[] = [];
  let stopped: TrainingHistory["stopped"];
  const cached = new Map<Dataset, Dataset>();
  const fingerprint = JSON.stringify({
    phases: phases.map((p) => [p.epochs, p.freeze ?? null]),
    batchSize,
    seed,
    n: train.size,
  });
  const resumed =
    options.resume && options.checkpoint
      ? await resumeFrom<EpochRecord>(options.checkpoint.dir, net.model, fingerprint)
      : undefined;
  if (resumed) {
    records.push(...resumed.state.records);
    batchesDone = records.length * batchesPerEpoch;
  }

  runFrozenLayersInInferenceMode(net.model.layers);
  freezeBatchNormStatistics(net.model.layers, options.freezeBatchNorm === true);
  try {
    for (const [phaseIndex, phase] of phases.entries()) {
      if (stopped === "aborted") break;
      if (resumed && phaseIndex < resumed.state.phase) continue;
      const firstEpoch =
        resumed && phaseIndex === resumed.state.phase ? resumed.state.epoch + 1 : 1;
      const phaseName = phase.name ?? `phase ${phaseIndex + 1}`;
      net.freeze(phase.freeze ?? net.freezePolicy);
      const backboneTrains = net.backbone.model.trainableWeights.length > 0;
      const useCache = options.featureCache !== false && !backboneTrains && !options.augment;
      const runner = useCache ? net.headModel : net.model;
      const source = async (d: Dataset) =>
        useCache ? cachedFeatures(net, d, cached, options, batchSize) : d;
      const trainSet = await source(train);
      const valSet = validation ? await source(validation) : undefined;
      const lr = phase.learningRate ?? learningRate;
      const microBatchSize = resolveMicroBatch(options.microBatchSize ?? "auto", batchSize, runner, [
        ...net.headModel.trainableWeights,
        ...(backboneTrains ? net.backbone.model.trainableWeights : []),
      ]);
      const groups: ParamGroup[] = [
        createParamGroup("head", net.headModel.trainableWeights, optimizer, lr),
      ];
      if (backboneTrains) {
        const mult = phase.backboneLrMult ?? 1;
        groups.push(
          createParamGroup("backbone", net.backbone.model.trainableWeights, optimizer, lr * mult),
        );
      }
      if (firstEpoch > 1 && resumed) {
        for (const g of groups) await g.optimizer.setWeights(resumed.optimizers[g.name] ?? []);
      }
      const early = options.earlyStopping
        ? new EarlyStopping(options.earlyStopping, runner)
        : undefined;
      const base = {
        phase: phaseIndex + 1,
        phaseName,
        phases: phases.length,
        epochs: phase.epochs,
        cachedFeatures: useCache,
      };
      options.onProgress?.({
        ...base,
        type: "phase-begin",
        epoch: 0,
        batch: 0,
        batches: batchesPerEpoch,
        loss: NaN,
        metrics: {},
        etaSeconds: eta(),
      });
      try {
        for (let epoch = firstEpoch; epoch <= phase.epochs; epoch++) {
          const epochStart = performance.now();
          const order = range(0, trainSet.size);
          // One generator per epoch, so a resumed run shuffles exactly as an uninterrupted one.
          if (shuffle) createRng(seed * 1_000_003 + phaseIndex * 10_007 + epoch).shuffle(order);
          const sums = await runEpoch({
            runner,
            groups,
            task: net.task,
            data: trainSet,
            order,
            batchSize,
            classWeights,
            augment: options.augment,
            signal: options.signal,
            onBatch: (batch, loss) => {
              batchesDone++;
              options.onProgress?.({
                ...base,
                type: "batch-end",
                epoch,
                batch,
                batches: batchesPerEpoch,
                loss,
                metrics: {},
                etaSeconds: eta(),
              });
            },
            where: `${phaseName}, epoch ${epoch}`,
            learningRate: lr,
            microBatchSize,
          });
          if (sums === "aborted") {
            stopped = "aborted";
            break;
          }
          const { lossSum, correct } = sums;
          const perExample = net.task.kind === "multilabel" ? net.task.labels.length : 1;
          const metrics: Record<string, number> = {
            loss: lossSum / trainSet.size,
            accuracy: correct / (trainSet.size * perExample),
          };
          if (valSet)
            Object.assign(
              metrics,
              await validate(runner, net.task, valSet, batchSize, classWeights),
            );
          records.push({
            phase: phaseName,
            epoch,
            freeze: formatFreezePolicy(net.freezePolicy),
            cachedFeatures: useCache,
            microBatchSize,
            metrics,
            seconds: (performance.now() - epochStart) / 1000,
          });
          options.onProgress?.({
            ...base,
            type: "epoch-end",
            epoch,
            batch: batchesPerEpoch,
            batches: batchesPerEpoch,
            loss: metrics["loss"] ?? NaN,
            metrics,
            etaSeconds: eta(),
          });
          const checkpoint = options.checkpoint;
          if (
            checkpoint &&
            (epoch % (checkpoint.everyEpochs ?? 1) === 0 || epoch === phase.epochs)
          ) {
            const done = epoch === phase.epochs;
            const state: CheckpointState<EpochRecord> = {
              version: 1,
              phase: done ? phaseIndex + 1 : phaseIndex,
              epoch: done ? 0 : epoch,
              records,
              fingerprint,
            };
            await writeCheckpoint(checkpoint.dir, state, net.model, done ? [] : groups);
          }
          if (early?.update(metrics)) {
            stopped = "early-stopping";
            batchesDone += (phase.epochs - epoch) * batchesPerEpoch;
            break;
          }
        }
        early?.restore();
      } finally {
        early?.dispose();
        disposeParamGroups(groups);
      }
      // Features cached before the backbone trained no longer match its weights.
      if (backboneTrains) {
        for (const d of cached.values()) d.dispose?.();
        cached.clear();
      }
      if (stopped === "early-stopping" && phaseIndex < phases.length - 1) stopped = undefined;
    }
  } finally {
    freezeBatchNormStatistics(net.model.layers, false);
    for (const d of cached.values()) d.dispose?.();
    if (resumed) {
      tf.dispose(
        [...resumed.weights, ...Object.values(resumed.optimizers).flat()].map((t) => t.tensor),
      );
    }
  }
  options.onProgress?.({
    type: "end",
    phase: phases.length,
    phaseName: "",
    phases: phases.length,
    epoch: 0,
    epochs: 0,
    batch: 0,
    batches: 0,
    loss: records.at(-1)?.metrics["loss"] ?? NaN,
    metrics: records.at(-1)?.metrics ?? {},
    etaSeconds: 0,
    cachedFeatures: false,
  });
  return {
    epochs: records,
    ...(stopped ? { stopped } : {}),
    trainExamples: train.size,
    validationExamples: validation?.size ?? 0,
  };

  function eta(): number {
    if (batchesDone === 0) return NaN;
    return (((performance.now() - started) / batchesDone) * (totalBatches - batchesDone)) / 1000;
  }
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

async function cachedFeatures(
  net: Trainable,
  data: Dataset,
  cache: Map<Dataset, Dataset>,
  options: FitOptions,
  batchSize: number,
): Promise<Dataset> {
  const hit = cache.get(data);
  if (hit) return hit;
  const features =
    options.featureCache instanceof FeatureCache
      ? await options.featureCache.features(net.backbone, data, {
          batchSize,
          preprocessing: net.preprocessing,
        })
      : await computeFeatures(net.backbone, data, batchSize);
  const dataset = tensorDataset(features, data.labels);
  cache.set(data, dataset);
  return dataset;
}
