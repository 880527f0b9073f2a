import {
  createTransferModel,
  outputHead,
  recalibrateBatchNorm,
  setBatchNormMomentum,
} from "@graft/core";
import type {
  Backbone,
  EvaluationReport,
  ProgressEvent,
  TrainingPhase,
  TransferModel,
} from "@graft/core";
import { vision } from "@graft/vision";

import type { RadiographData } from "./radiograph-data.js";
import { LABELS } from "./radiographs/generate.js";

/** One trained model and how it did on the test set. */
export interface RunResult {
  /** `transfer` or `scratch`. */
  readonly kind: "transfer" | "scratch";
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
 * The seed's transfer: a freshly initialised output layer on the frozen
 * backbone (trained on cached features), then, if asked, the top
 * `fineTune` backbone layers unfrozen at a tenth of the learning rate.
 */
export async function runTransfer(
  backbone: Backbone,
  train: RadiographData,
  test: RadiographData,
  {
    headEpochs,
    fineTune,
    fineTuneEpochs,
    ...settings
  }: RunSettings & { headEpochs: number; fineTune: number; fineTuneEpochs: number },
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
  if (fineTune > 0) {
    phases.push({
      name: `top ${fineTune} layers`,
      epochs: fineTuneEpochs,
      freeze: { top: fineTune },
      learningRate: 1e-3,
      backboneLrMult: 0.1,
    });
  }
  const what = `${backbone.name} (${backbone.provenance.task ?? "?"}) cut at ${backbone.provenance.cutAt ?? "?"}, new output layer${fineTune > 0 ? `, then top ${fineTune} layers` : ", backbone frozen"}`;
  return run("transfer", what, model, train, test, phases, settings);
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
): Promise<RunResult> {
  const started = performance.now();
  await model.fit(train.data, {
    phases,
    batchSize,
    seed,
    onProgress: (event) => log?.(progressLine(kind, event)),
  });
  const recalibrated = await recalibrateBatchNorm(model.model, train.data);
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
