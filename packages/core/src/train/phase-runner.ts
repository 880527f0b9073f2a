import { computeFeatures, FeatureCache } from "../cache/feature-cache.js";
import { createRng } from "../data/random.js";
import { ConfigError } from "../errors.js";
import { range, tensorDataset } from "../data/tensor-dataset.js";
import { formatFreezePolicy } from "../transfer/freeze.js";
import type { Dataset } from "../types.js";
import { EarlyStopping } from "./early-stopping.js";
import { runEpoch, validate } from "./epoch.js";
import type { EpochRecord, Trainable, TrainingHistory } from "./fit.js";
import { resolveMicroBatch } from "./memory-budget.js";
import type { FitOptions, TrainingPhase } from "./options.js";
import { createParamGroup, disposeParamGroups, type ParamGroup } from "./param-groups.js";
import { phaseName } from "./phase-records.js";
import type { PhaseInfo, ProgressReporter } from "./progress.js";
import { checkpointAfterEpoch, firstEpoch, type Resumed } from "./resume.js";

/** What every phase of one `fit` call shares. */
export interface FitRun {
  readonly net: Trainable;
  readonly train: Dataset;
  readonly validation: Dataset | undefined;
  readonly options: FitOptions;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: NonNullable<FitOptions["optimizer"]>;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly classWeights: readonly number[] | undefined;
  readonly phases: number;
  /** Epoch records so far; phases append to it. */
  readonly records: EpochRecord[];
  readonly progress: ProgressReporter;
  /** Backbone features by dataset, reused while the backbone stays frozen. */
  readonly cached: Map<Dataset, Dataset>;
  readonly resumed: Resumed<EpochRecord> | undefined;
  readonly fingerprint: string;
}

/**
 * Runs phase `phaseIndex` of the schedule: applies its freeze policy, trains
 * the head on cached features when the backbone is frozen and nothing
 * augments (else the whole model, in micro-batches that fit memory), one
 * optimizer per parameter group (discriminative rates), early stopping and
 * checkpoints. Returns why it stopped early, if it did.
 */
export async function runPhase(
  run: FitRun,
  phase: TrainingPhase,
  phaseIndex: number,
): Promise<TrainingHistory["stopped"]> {
  const start = firstEpoch(run.resumed, phaseIndex);
  if (start === undefined) return undefined;
  const { net, options } = run;
  net.freeze(phase.freeze ?? net.freezePolicy);
  const backboneTrains = net.backbone.model.trainableWeights.length > 0;
  const precomputed = options.inputs === "features";
  if (precomputed && (backboneTrains || options.augment)) {
    throw new ConfigError(
      `fit: inputs "features" trains the head on features the backbone already produced, but phase "${phase.name ?? phaseIndex + 1}" ${backboneTrains ? `trains ${net.backbone.model.trainableWeights.length} backbone weights` : "augments its inputs"}.`,
      { fix: 'freeze the backbone ("frozen") and drop augment, or pass raw inputs with inputs: "raw".' },
    );
  }
  const useCache = precomputed || (options.featureCache !== false && !backboneTrains && !options.augment);
  const runner = useCache ? net.headModel : net.model;
  const source = async (d: Dataset) => (useCache && !precomputed ? cachedFeatures(run, d) : d);
  const trainSet = await source(run.train);
  const valSet = run.validation ? await source(run.validation) : undefined;
  const lr = phase.learningRate ?? run.learningRate;
  const microBatchSize = resolveMicroBatch(
    options.microBatchSize ?? "auto",
    run.batchSize,
    runner,
    [
      ...net.headModel.trainableWeights,
      ...(backboneTrains ? net.backbone.model.trainableWeights : []),
    ],
  );
  const groups: ParamGroup[] = [
    createParamGroup("head", net.headModel.trainableWeights, run.optimizer, lr),
  ];
  if (backboneTrains) {
    const rate = lr * (phase.backboneLrMult ?? 1);
    groups.push(
      createParamGroup("backbone", net.backbone.model.trainableWeights, run.optimizer, rate),
    );
  }
  const early = options.earlyStopping
    ? new EarlyStopping(options.earlyStopping, runner)
    : undefined;
  const info: PhaseInfo = {
    phase: phaseIndex + 1,
    phaseName: phaseName(phase, phaseIndex),
    phases: run.phases,
    epochs: phase.epochs,
    cachedFeatures: useCache,
  };
  let stopped: TrainingHistory["stopped"];
  try {
    if (start > 1 && run.resumed) {
      for (const g of groups) await g.optimizer.setWeights(run.resumed.optimizers[g.name] ?? []);
    }
    run.progress.phaseBegin(info);
    for (let epoch = start; epoch <= phase.epochs; epoch++) {
      const epochStart = performance.now();
      const order = range(0, trainSet.size);
      // One generator per epoch, so a resumed run shuffles exactly as an uninterrupted one.
      if (run.shuffle) createRng(run.seed * 1_000_003 + phaseIndex * 10_007 + epoch).shuffle(order);
      const sums = await runEpoch({
        runner,
        groups,
        task: net.task,
        data: trainSet,
        order,
        batchSize: run.batchSize,
        classWeights: run.classWeights,
        augment: options.augment,
        signal: options.signal,
        onBatch: (batch, loss) => run.progress.batchEnd(info, epoch, batch, loss),
        where: `${info.phaseName}, epoch ${epoch}`,
        learningRate: lr,
        microBatchSize,
      });
      if (sums === "aborted") {
        stopped = "aborted";
        break;
      }
      const perExample = net.task.kind === "multilabel" ? net.task.labels.length : 1;
      const metrics: Record<string, number> = {
        loss: sums.lossSum / trainSet.size,
        accuracy: sums.correct / (trainSet.size * perExample),
      };
      if (valSet)
        Object.assign(
          metrics,
          await validate(runner, net.task, valSet, run.batchSize, run.classWeights),
        );
      run.records.push({
        phase: info.phaseName,
        epoch,
        freeze: formatFreezePolicy(net.freezePolicy),
        cachedFeatures: useCache,
        microBatchSize,
        metrics,
        seconds: (performance.now() - epochStart) / 1000,
      });
      run.progress.epochEnd(info, epoch, metrics);
      const position = {
        phaseIndex,
        epoch,
        epochs: phase.epochs,
        records: run.records,
        fingerprint: run.fingerprint,
      };
      await checkpointAfterEpoch(options.checkpoint, position, net.model, groups);
      if (early?.update(metrics)) {
        stopped = "early-stopping";
        run.progress.skipEpochs(phase.epochs - epoch);
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
    for (const d of run.cached.values()) d.dispose?.();
    run.cached.clear();
  }
  return stopped;
}

async function cachedFeatures(run: FitRun, data: Dataset): Promise<Dataset> {
  const hit = run.cached.get(data);
  if (hit) return hit;
  const { net, options, batchSize } = run;
  const features =
    options.featureCache instanceof FeatureCache
      ? await options.featureCache.features(net.backbone, data, {
          batchSize,
          preprocessing: net.preprocessing,
        })
      : await computeFeatures(net.backbone, data, batchSize);
  const dataset = tensorDataset(features, data.labels);
  run.cached.set(data, dataset);
  return dataset;
}
