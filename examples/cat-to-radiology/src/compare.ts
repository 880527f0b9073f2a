import {
  createTransferModel,
  outputHead,
  recalibrateBatchNorm,
  setBatchNormMomentum,
} from "@graft/core";
import type {
  Backbone,
  Dataset,
  EvaluationReport,
  HeadFactory,
  FitOptions,
  ProgressEvent,
  TestView,
  TrainingPhase,
  TransferModel,
} from "@graft/core";
import { augmentedFeatures, imageAugmenter, spatialMilHead, vision } from "@graft/vision";
import type { ImageAugmenter, MilPooling } from "@graft/vision";
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
  /** Test-time views whose probabilities are averaged on the test set (vision's `mirrorViews`); none: as is. */
  readonly testViews?: readonly TestView[];
  readonly log?: (line: string) => void;
}

const TASK = { kind: "binary", labels: LABELS } as const;

/** Route 1's head: a new output layer on pooled features, or a spatial MIL head on the unpooled map. */
export type HeadChoice =
  | { readonly kind: "output" }
  | {
      readonly kind: "mil";
      readonly pooling: MilPooling;
      readonly units: number;
      readonly normalization?: "batch" | "none";
    };

/**
 * The augmentation of training radiographs: random flips, ± 8° rotation, crops
 * of up to 10 %, brightness ± 0.1 and contrast ± 15 %.
 */
export function radiographAugmenter(seed: number): ImageAugmenter {
  return imageAugmenter({
    flip: true,
    rotate: 8,
    crop: 0.1,
    brightness: 0.1,
    contrast: 0.15,
    seed,
  });
}

/**
 * Transfer with the backbone frozen: a freshly initialised head trained on
 * backbone features computed once (graft's feature cache); with
 * `augmentCopies`, also on the features of that many augmented copies of
 * each training image (vision's `augmentedFeatures`, computed once too).
 */
export async function runTransfer(
  backbone: Backbone,
  train: RadiographData,
  test: RadiographData,
  {
    headEpochs,
    head = { kind: "output" },
    augmentCopies = 0,
    ...settings
  }: RunSettings & { headEpochs: number; head?: HeadChoice; augmentCopies?: number },
): Promise<RunResult> {
  const [factory, headWords]: [HeadFactory, string] =
    head.kind === "mil"
      ? [
          spatialMilHead({
            pooling: head.pooling,
            units: head.units,
            ...(head.normalization ? { normalization: head.normalization } : {}),
          }),
          `spatial MIL head (${head.units > 0 ? `${head.units} hidden 1×1 channels` : "linear score per location"}, ${head.pooling} pooling)`,
        ]
      : [outputHead(), "new output layer"];
  const model = createTransferModel({
    backbone,
    task: TASK,
    head: factory,
    freeze: "frozen",
    preprocessor: train.preprocessor,
    plugin: vision,
    seed: settings.seed,
  });
  const phases: TrainingPhase[] = [
    { name: head.kind === "mil" ? "MIL head" : "output layer", epochs: headEpochs, freeze: "frozen", learningRate: 3e-3 },
  ];
  const copies = augmentCopies > 0 ? `, trained on the features of each image and ${augmentCopies} augmented copies` : "";
  const what = `${backbone.name} (${backbone.provenance.task ?? "?"}) cut at ${backbone.provenance.cutAt ?? "?"} + ${backbone.provenance.pooling ?? "no"} pooling, ${headWords}${copies}, backbone frozen`;
  if (augmentCopies === 0) return run("transfer", what, model, train, test, phases, settings, {});
  const started = performance.now();
  const features = await augmentedFeatures(backbone, train.data, {
    copies: augmentCopies,
    augment: radiographAugmenter(settings.seed),
    batchSize: settings.batchSize ?? 16,
  });
  const featureSeconds = (performance.now() - started) / 1000;
  try {
    const result = await run("transfer", what, model, train, test, phases, settings, {
      data: features,
      inputs: "features",
    });
    return { ...result, trainSeconds: result.trainSeconds + featureSeconds };
  } finally {
    features.dispose();
  }
}

/** How the fine-tuning phase runs. */
export interface FineTuneSettings {
  /** Backbone layers with weights unfrozen, counted from the cut down. */
  readonly layers: number;
  /** A fixed number of epochs (chosen on a development set, no early stopping on 100 images). */
  readonly epochs: number;
  /** Learning rate of the output layer. */
  readonly learningRate: number;
  /** The unfrozen backbone layers learn at `learningRate × backboneLrMult`. */
  readonly backboneLrMult: number;
  /** Random flips, rotations, crops and exposure changes on every batch, through the trunk ({@link radiographAugmenter}). */
  readonly augment: boolean;
  /** Called after every epoch, synchronously (a development script scores the model here). */
  readonly afterEpoch?: (epoch: number, model: TransferModel) => void;
}

/**
 * Fine-tunes a frozen-head transfer model in place: its output layer has
 * already been fitted on frozen features, then the top `layers` backbone
 * layers learn too, at `backboneLrMult` of the head's rate, for a fixed
 * number of epochs. BatchNormalization runs on its pre-trained statistics
 * (100 images give poor batch statistics) and, with `augment`, every batch is
 * augmented on its way through the trunk.
 */
export async function runFineTune(
  transfer: RunResult,
  train: RadiographData,
  test: RadiographData,
  tune: FineTuneSettings,
  settings: RunSettings,
): Promise<RunResult> {
  const augment = radiographAugmenter(settings.seed);
  const backboneLr = tune.learningRate * tune.backboneLrMult;
  const phases: TrainingPhase[] = [
    {
      name: `top ${tune.layers} layers`,
      epochs: tune.epochs,
      freeze: { top: tune.layers },
      learningRate: tune.learningRate,
      backboneLrMult: tune.backboneLrMult,
    },
  ];
  const what = `${transfer.description.replace(/, backbone frozen$/, "")}, then top ${tune.layers} backbone layers at lr ${backboneLr.toPrecision(2)} (head ${tune.learningRate}), BN frozen, ${tune.augment ? "augmented, " : ""}${tune.epochs} epochs`;
  const { afterEpoch } = tune;
  return run("fine-tuned", what, transfer.model, train, test, phases, settings, {
    freezeBatchNorm: true,
    ...(tune.augment ? { augment: (x: tf.Tensor) => augment(x as tf.Tensor4D) } : {}),
    ...(afterEpoch ? { onEpochEnd: (epoch: number) => afterEpoch(epoch, transfer.model) } : {}),
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
  { seed, batchSize = 16, testViews = [], log }: RunSettings,
  {
    onEpochEnd,
    data = train.data,
    ...extra
  }: Omit<FitOptions, "phases" | "batchSize" | "seed" | "onProgress"> & {
    onEpochEnd?: (epoch: number) => void;
    /** What `fit` trains on, when not `train`'s images (e.g. precomputed features). */
    data?: Dataset;
  },
  recalibrate = false,
): Promise<RunResult> {
  const started = performance.now();
  await model.fit(data, {
    ...extra,
    phases,
    batchSize,
    seed,
    onProgress: (event) => {
      log?.(progressLine(kind, event));
      if (event.type === "epoch-end") onEpochEnd?.(event.epoch);
    },
  });
  const recalibrated = recalibrate ? await recalibrateBatchNorm(model.model, train.data) : 0;
  if (recalibrated > 0)
    log?.(
      `  ${kind}: re-estimated the statistics of ${recalibrated} batch-norm layers on the training images`,
    );
  const trainSeconds = (performance.now() - started) / 1000;
  const report = await model.evaluate(test.data, { views: testViews });
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
