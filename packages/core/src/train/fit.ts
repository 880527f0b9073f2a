import * as tf from "@tensorflow/tfjs";

import { computeFeatures, FeatureCache } from "../cache/feature-cache.js";
import { createRng } from "../data/random.js";
import { stratifiedSplit } from "../data/split.js";
import { range, subsetDataset, tensorDataset } from "../data/tensor-dataset.js";
import { ConfigError, TrainingError } from "../errors.js";
import { formatFreezePolicy, type FreezePolicy } from "../transfer/freeze.js";
import type { Backbone, Dataset, Json, Task } from "../types.js";
import { readCheckpoint, writeCheckpoint, type CheckpointState } from "./checkpoint.js";
import { EarlyStopping } from "./early-stopping.js";
import { countCorrect, weightedLoss } from "./loss.js";
import type { FitOptions, TrainingPhase } from "./options.js";
import { validateFitOptions } from "./options.js";
import { applyStep, createParamGroup, disposeParamGroups, type ParamGroup } from "./param-groups.js";
import { balancedClassWeights, checkLabels, targetsFor } from "./targets.js";

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
export async function fit(net: Trainable, data: Dataset, options: FitOptions = {}): Promise<TrainingHistory> {
  validateFitOptions(options);
  const { batchSize = 32, learningRate = 1e-3, optimizer = "adam", seed = 0, shuffle = true } = options;
  checkLabels(net.task, data.labels);
  const { train, validation } = splitValidation(data, options.validation, seed);
  if (validation) checkLabels(net.task, validation.labels, "validation data");
  const classWeights =
    options.classWeights === "balanced" ? balancedClassWeights(net.task, train.labels) : options.classWeights;
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
  const fingerprint = JSON.stringify({ phases: phases.map((p) => [p.epochs, p.freeze ?? null]), batchSize, seed, n: train.size });
  const resumed = options.resume && options.checkpoint ? await resumeFrom(options.checkpoint.dir, net.model, fingerprint) : undefined;
  if (resumed) {
    records.push(...resumed.state.records);
    batchesDone = records.length * batchesPerEpoch;
  }

  try {
    for (const [phaseIndex, phase] of phases.entries()) {
      if (stopped === "aborted") break;
      if (resumed && phaseIndex < resumed.state.phase) continue;
      const firstEpoch = resumed && phaseIndex === resumed.state.phase ? resumed.state.epoch + 1 : 1;
      const phaseName = phase.name ?? `phase ${phaseIndex + 1}`;
      net.freeze(phase.freeze ?? net.freezePolicy);
      const backboneTrains = net.backbone.model.trainableWeights.length > 0;
      const useCache = options.featureCache !== false && !backboneTrains && !options.augment;
      const runner = useCache ? net.headModel : net.model;
      const source = async (d: Dataset) => (useCache ? cachedFeatures(net, d, cached, options, batchSize) : d);
      const trainSet = await source(train);
      const valSet = validation ? await source(validation) : undefined;
      const lr = phase.learningRate ?? learningRate;
      const groups: ParamGroup[] = [createParamGroup("head", net.headModel.trainableWeights, optimizer, lr)];
      if (backboneTrains) {
        const mult = phase.backboneLrMult ?? 1;
        groups.push(createParamGroup("backbone", net.backbone.model.trainableWeights, optimizer, lr * mult));
      }
      if (firstEpoch > 1 && resumed) {
        for (const g of groups) await g.optimizer.setWeights(resumed.optimizers[g.name] ?? []);
      }
      const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping, runner) : undefined;
      const base = { phase: phaseIndex + 1, phaseName, phases: phases.length, epochs: phase.epochs, cachedFeatures: useCache };
      options.onProgress?.({ ...base, type: "phase-begin", epoch: 0, batch: 0, batches: batchesPerEpoch, loss: NaN, metrics: {}, etaSeconds: eta() });
      try {
        for (let epoch = firstEpoch; epoch <= phase.epochs; epoch++) {
          const epochStart = performance.now();
          const order = range(0, trainSet.size);
          // One generator per epoch, so a resumed run shuffles exactly as an uninterrupted one.
          if (shuffle) createRng(seed * 1_000_003 + phaseIndex * 10_007 + epoch).shuffle(order);
          let lossSum = 0;
          let correct = 0;
          for (let b = 0; b < batchesPerEpoch; b++) {
            if (options.signal?.aborted) {
              stopped = "aborted";
              break;
            }
            const ids = order.slice(b * batchSize, (b + 1) * batchSize);
            const x = await trainSet.batch(ids);
            const y = targetsFor(net.task, trainSet.labels, ids);
            const [loss, right] = trainBatch(runner, groups, net.task, x, y, classWeights, options.augment);
            tf.dispose([x, y]);
            const [lossValue, rightValue] = [(await loss.data())[0] ?? NaN, (await right.data())[0] ?? 0];
            tf.dispose([loss, right]);
            if (!Number.isFinite(lossValue)) throw nonFiniteLoss(phaseName, epoch, b + 1, lr);
            lossSum += lossValue * ids.length;
            correct += rightValue;
            batchesDone++;
            options.onProgress?.({ ...base, type: "batch-end", epoch, batch: b + 1, batches: batchesPerEpoch, loss: lossSum / Math.min(trainSet.size, (b + 1) * batchSize), metrics: {}, etaSeconds: eta() });
            // Let timers, signals and I/O run between batches (Ctrl-C, progress redraws).
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          if (stopped === "aborted") break;
          const perExample = net.task.kind === "multilabel" ? net.task.labels.length : 1;
          const metrics: Record<string, number> = {
            loss: lossSum / trainSet.size,
            accuracy: correct / (trainSet.size * perExample),
          };
          if (valSet) Object.assign(metrics, await validate(runner, net.task, valSet, batchSize, classWeights));
          records.push({ phase: phaseName, epoch, freeze: formatFreezePolicy(net.freezePolicy), cachedFeatures: useCache, metrics, seconds: (performance.now() - epochStart) / 1000 });
          options.onProgress?.({ ...base, type: "epoch-end", epoch, batch: batchesPerEpoch, batches: batchesPerEpoch, loss: metrics["loss"] ?? NaN, metrics, etaSeconds: eta() });
          const checkpoint = options.checkpoint;
          if (checkpoint && (epoch % (checkpoint.everyEpochs ?? 1) === 0 || epoch === phase.epochs)) {
            const done = epoch === phase.epochs;
            const state: CheckpointState<EpochRecord> = { version: 1, phase: done ? phaseIndex + 1 : phaseIndex, epoch: done ? 0 : epoch, records, fingerprint };
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
    for (const d of cached.values()) d.dispose?.();
    if (resumed) {
      tf.dispose([...resumed.weights, ...Object.values(resumed.optimizers).flat()].map((t) => t.tensor));
    }
  }
  options.onProgress?.({ type: "end", phase: phases.length, phaseName: "", phases: phases.length, epoch: 0, epochs: 0, batch: 0, batches: 0, loss: records.at(-1)?.metrics["loss"] ?? NaN, metrics: records.at(-1)?.metrics ?? {}, etaSeconds: 0, cachedFeatures: false });
  return { epochs: records, ...(stopped ? { stopped } : {}), trainExamples: train.size, validationExamples: validation?.size ?? 0 };

  function eta(): number {
    if (batchesDone === 0) return NaN;
    return (((performance.now() - started) / batchesDone) * (totalBatches - batchesDone)) / 1000;
  }
}

function trainBatch(
  runner: tf.LayersModel,
  groups: readonly ParamGroup[],
  task: Task,
  x: tf.Tensor,
  y: tf.Tensor,
  classWeights: readonly number[] | undefined,
  augment: FitOptions["augment"],
): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    const input = augment ? augment(x) : x;
    let probs: tf.Tensor | undefined;
    const loss = applyStep(groups, () => {
      const p = runner.apply(input, { training: true }) as tf.Tensor;
      probs = tf.keep(p);
      return weightedLoss(task, p, y, classWeights);
    });
    const p = probs as tf.Tensor;
    // Clipping inside the loss hides NaN outputs; poison the loss so they are caught.
    const finite = tf.all(tf.isFinite(p));
    const checked = tf.where(finite, loss, tf.scalar(Number.NaN)) as tf.Scalar;
    const right = countCorrect(task, p, y);
    p.dispose();
    return [checked, right];
  });
}

async function validate(
  runner: tf.LayersModel,
  task: Task,
  data: Dataset,
  batchSize: number,
  classWeights: readonly number[] | undefined,
): Promise<Record<string, number>> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.size; start += batchSize) {
    const ids = range(start, Math.min(start + batchSize, data.size));
    const x = await data.batch(ids);
    const y = targetsFor(task, data.labels, ids);
    const [loss, right] = tf.tidy(() => {
      const p = runner.predict(x) as tf.Tensor;
      return [weightedLoss(task, p, y, classWeights), countCorrect(task, p, y)];
    });
    lossSum += ((await loss.data())[0] ?? NaN) * ids.length;
    correct += (await right.data())[0] ?? 0;
    tf.dispose([x, y, loss, right]);
  }
  const perExample = task.kind === "multilabel" ? task.labels.length : 1;
  return { val_loss: lossSum / data.size, val_accuracy: correct / (data.size * perExample) };
}

function splitValidation(
  data: Dataset,
  validation: FitOptions["validation"],
  seed: number,
): { train: Dataset; validation?: Dataset } {
  if (validation === undefined) return { train: data };
  if (typeof validation !== "number") return { train: data, validation };
  const split = stratifiedSplit(data.labels, { validation, seed });
  return { train: subsetDataset(data, split.train), validation: subsetDataset(data, split.validation) };
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
      ? await options.featureCache.features(net.backbone, data, { batchSize, preprocessing: net.preprocessing })
      : await computeFeatures(net.backbone, data, batchSize);
  const dataset = tensorDataset(features, data.labels);
  cache.set(data, dataset);
  return dataset;
}

function nonFiniteLoss(phase: string, epoch: number, batch: number, lr: number): TrainingError {
  return new TrainingError(
    `The loss became NaN or infinite (${phase}, epoch ${epoch}, batch ${batch}).`,
    {
      fix: `lower the learning rate (now ${lr}), or check the inputs for NaN/Inf values and unnormalised pixel or sample ranges`,
    },
  );
}

async function resumeFrom(dir: string, model: tf.LayersModel, fingerprint: string) {
  const checkpoint = await readCheckpoint<EpochRecord>(dir);
  if (!checkpoint) return undefined;
  const saved = new Map(checkpoint.weights.map((w) => [w.name, w.tensor]));
  if (checkpoint.state.fingerprint !== fingerprint || model.weights.some((w) => !saved.has(w.originalName))) {
    tf.dispose([...checkpoint.weights, ...Object.values(checkpoint.optimizers).flat()].map((t) => t.tensor));
    throw new ConfigError(`The checkpoint in ${dir} belongs to another run (schedule, batch size, seed or data size differ).`, {
      fix: "resume with the same options and data, or delete the checkpoint directory to start over",
    });
  }
  for (const w of model.weights) w.write(saved.get(w.originalName) as tf.Tensor);
  return checkpoint;
}
