import {
  createTransferModel,
  outputHead,
  recalibrateBatchNorm,
  setBatchNormMomentum,
} from "@graft/core";
import type {
  Backbone,
  EvaluationReport,
  FitOptions,
  ProgressEvent,
  TrainingPhase,
  TransferModel,
} from "@graft/core";
import { imageAugmenter, vision } from "@graft/vision";
import type * as tf from "@tensorflow/tfjs";

import type { RadiographData } from "./radiograph-data.js";
import { LABELS } from "./radiographs/generate.js";

/** One trained model and how it did on the test set. */
export interface RunResult {
  /** `transfer` (frozen backbone), `fine-tuned` or `scratch`. */
  readonly kind: "transfer" | "fine-tuned" | "scratch";
  readonly description: string;
  readonly model: TransferModel;
  readonly report: EvaluationReport;
  readonly trainSeconds: number;
}

/** Training settings shared by both sides of the comparison. */
export interface RunSettings {
  readonly seed: number;
  readonly batchSize?: number;
  readonly log?: (line: string) => void;
}

const TASK = { kind: "binary", labels: LABELS } as const;

/**
 * Transfer with the backbone frozen: a freshly initialised output layer
 * trained on backbone features computed once (graft's feature cache).
 */
export async function runTransfer(
  backbone: Backbone,
  train: RadiographData,
  test: RadiographData,
  { headEpochs, ...settings }: RunSettings & { headEpochs: number },
): Promise<RunResult> {
  const model = createTransferModel({
    backbone,
    task: TASK,
    head: outputHead(),
    freeze: "frozen",
    preprocessor: train.preprocessor,
    plugin: vision,
    seed: settings.seed,
  });
  const phases: TrainingPhase[] = [
    { name: "output layer", epochs: headEpochs, freeze: "frozen", learningRate: 3e-3 },
  ];
  const what = `${backbone.name} (${backbone.provenance.task ?? "?"}) cut at ${backbone.provenance.cutAt ?? "?"} + ${backbone.provenance.pooling ?? "no"} pooling, new output layer, backbone frozen`;
  return run("transfer", what, model, train, test, phases, settings, {});
}

/** How the fine-tuning phase runs. */
export interface FineTuneSettings {
  /** Backbone layers with weights unfrozen, counted from the cut down. */
  readonly layers: number;
  readonly epochs: number;
  /** Learning rate of the output layer; the backbone gets a tenth of it. */
  readonly learningRate: number;
  /** Epochs without a better validation loss before stopping (best weights kept). */
  readonly patience: number;
  /** Fraction of the training images held out for early stopping. */
  readonly validation: number;
}

/**
 * Fine-tunes a frozen-head transfer model in place: the top `layers`
 * backbone layers learn at a tenth of the head's rate, BatchNormalization
 * keeps its pre-trained statistics (100 images give poor batch statistics),
 * every batch is augmented through the trunk, and early stopping watches a
 * stratified split of the training images only.
 */
export async function runFineTune(
  transfer: RunResult,
  train: RadiographData,
  test: RadiographData,
  tune: FineTuneSettings,
  settings: RunSettings,
): Promise<RunResult> {
  const augment = imageAugmenter({
    flip: true,
    rotate: 8,
    crop: 0.1,
    brightness: 0.1,
    contrast: 0.15,
    seed: settings.seed,
  });
  const phases: TrainingPhase[] = [
    {
      name: `top ${tune.layers} layers`,
      epochs: tune.epochs,
      freeze: { top: tune.layers },
      learningRate: tune.learningRate,
      backboneLrMult: 0.1,
    },
  ];
  const what = `${transfer.description.replace(/, backbone frozen$/, "")}, then top ${tune.layers} backbone layers at lr ${tune.learningRate * 0.1} (head ${tune.learningRate}), BN frozen, augmented, ≤ ${tune.epochs} epochs with early stopping on ${Math.round(tune.validation * 100)} % of the training images`;
  return run("fine-tuned", what, transfer.model, train, test, phases, settings, {
    freezeBatchNorm: true,
    augment: (x) => augment(x as tf.Tensor4D),
    validation: tune.validation,
    earlyStopping: { patience: tune.patience, monitor: "val_loss", restoreBest: true },
  });
}

/** The baseline: the same architecture, randomly initialised, every layer trained on the same images. */
export async function runScratch(
  backbone: Backbone,
  train: RadiographData,
  test: RadiographData,
  { epochs, ...settings }: RunSettings & { epochs: number },
): Promise<RunResult> {
  setBatchNormMomentum(backbone.model, 0.9);
  const model = createTransferModel({
    backbone,
    task: TASK,
    head: outputHead(),
    freeze: "trainable",
    preprocessor: train.preprocessor,
    plugin: vision,
    seed: settings.seed,
  });
  const phases: TrainingPhase[] = [
    { name: "all layers", epochs, freeze: "trainable", learningRate: 1e-3 },
  ];
  return run(
    "scratch",
    `${backbone.name}, random initialisation, all layers trained`,
    model,
    train,
    test,
    phases,
    settings,
    {},
    true,
  );
}

async function run(
  kind: RunResult["kind"],
  description: string,
  model: TransferModel,
  train: RadiographData,
  test: RadiographData,
  phases: TrainingPhase[],
  { seed, batchSize = 16, log }: RunSettings,
  extra: Omit<FitOptions, "phases" | "batchSize" | "seed" | "onProgress">,
  recalibrate = false,
): Promise<RunResult> {
  const started = performance.now();
  await model.fit(train.data, {
    ...extra,
    phases,
    batchSize,
    seed,
    onProgress: (event) => log?.(progressLine(kind, event)),
  });
  const recalibrated = recalibrate ? await recalibrateBatchNorm(model.model, train.data) : 0;
  if (recalibrated > 0)
    log?.(
      `  ${kind}: re-estimated the statistics of ${recalibrated} batch-norm layers on the training images`,
    );
  const trainSeconds = (performance.now() - started) / 1000;
  const report = await model.evaluate(test.data);
  return { kind, description, model, report, trainSeconds };
}

function progressLine(kind: string, e: ProgressEvent): string {
  if (e.type !== "epoch-end") return "";
  // Cached-feature epochs take milliseconds: report every tenth.
  if (e.cachedFeatures && e.epoch % 10 !== 0 && e.epoch !== e.epochs) return "";
  const metrics = Object.entries(e.metrics)
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(", ");
  return `  ${kind} · ${e.phaseName} · epoch ${e.epoch}/${e.epochs}: ${metrics}${e.cachedFeatures ? " (cached features)" : ""}`;
}
