import type { FeatureStats } from "@graft/audio";
import { audio, createRng, specAugmentBatch, wakeWordHead } from "@graft/audio";
import type { Dataset, FitOptions, Task, TrainingPhase, TransferModel } from "@graft/core";
import { createTransferModel, loadBackbone, subsetDataset, tensorDataset } from "@graft/core";

import { WAKE_PHRASE } from "./corpus/vocabulary.js";
import type { ClipSet } from "./datasets.js";
import { clipTensor } from "./features.js";
import type { NetworkShape } from "./pretrain.js";
import { preprocessorFor, wordNetwork } from "./pretrain.js";

/** Task B: is the wake phrase in this second of audio? */
export const WAKE_TASK: Task = { kind: "binary", labels: ["other", WAKE_PHRASE] };

/** The new layers on either backbone: dense 64 → dense 32 (ReLU, dropout) → one sigmoid. */
const HEAD = { units: [64, 32], dropout: 0.2 } as const;

/** Task B's clips with the split both models share. */
export type WakeData = ClipSet & {
  readonly train: readonly number[];
  readonly validation: readonly number[];
};

/** A trained wake-word model and the statistics its features are normalised with. */
export interface WakeModel {
  readonly transfer: TransferModel;
  readonly stats: FeatureStats;
  readonly seconds: number;
}

interface TrainSettings {
  readonly seed: number;
  readonly log: (line: string) => void;
}

/**
 * Transfer: the task A network cut below its last layer (the word
 * classifier goes, the backbone and its dense layer stay), the new layers on
 * top, trained on the frozen backbone, then optionally with the top
 * `fineTune` backbone layers unfrozen at a lower rate.
 */
export async function trainTransfer(
  pretrainedDir: string,
  data: WakeData,
  statsA: FeatureStats,
  options: TrainSettings & { headEpochs: number; fineTune: number; fineTuneEpochs: number },
): Promise<WakeModel> {
  const started = performance.now();
  const backbone = await loadBackbone(pretrainedDir, { dropLast: 1 });
  const transfer = createTransferModel({
    backbone,
    task: WAKE_TASK,
    head: wakeWordHead(HEAD),
    preprocessor: preprocessorFor(statsA),
    plugin: audio,
    seed: options.seed,
  });
  options.log(`transfer: ${transfer.describe()}`);
  const phases: TrainingPhase[] = [
    { name: "new layers", epochs: options.headEpochs, freeze: "frozen", learningRate: 2e-3 },
  ];
  if (options.fineTune > 0 && options.fineTuneEpochs > 0) {
    phases.push({
      name: `top ${options.fineTune}`,
      epochs: options.fineTuneEpochs,
      freeze: { top: options.fineTune },
      learningRate: 5e-4,
      backboneLrMult: 0.2,
    });
  }
  await fitWake(transfer, data, statsA, { ...options, phases, name: "transfer" });
  return { transfer, stats: statsA, seconds: (performance.now() - started) / 1000 };
}

/**
 * Scratch: the same network (backbone + dense 64 of task A's shape, same
 * new layers) with random weights, all of it trained on task B alone, with
 * SpecAugment to give it its best chance on so little data.
 */
export async function trainScratch(
  data: WakeData,
  statsB: FeatureStats,
  shape: NetworkShape,
  options: TrainSettings & { epochs: number; randomDir: string },
): Promise<WakeModel> {
  const started = performance.now();
  const preprocessor = preprocessorFor(statsB);
  // The untrained network goes through the same save → loadBackbone path as the
  // pre-trained one, so both backbones are cut identically. (Cutting
  // `untrained.model` in memory fails: its head layers also belong to the
  // TransferModel's head model, so they have two inbound nodes.)
  const untrained = wordNetwork(preprocessor, shape, options.seed + 100);
  await untrained.save(options.randomDir, {
    extra: { note: "random initialisation, never trained" },
  });
  untrained.dispose();
  const backbone = await loadBackbone(options.randomDir, { dropLast: 1 });
  const transfer = createTransferModel({
    backbone,
    task: WAKE_TASK,
    head: wakeWordHead(HEAD),
    preprocessor,
    plugin: audio,
    freeze: "trainable",
    seed: options.seed,
  });
  options.log(`scratch: ${transfer.describe()}`);
  const rng = createRng(options.seed + 13);
  await fitWake(transfer, data, statsB, {
    ...options,
    name: "scratch",
    phases: [{ name: "all layers", epochs: options.epochs, learningRate: 2e-3 }],
    augment: (x) => specAugmentBatch(x, rng, { maxTimeWidth: 6, maxFrequencyWidth: 5, fill: 0 }),
  });
  return { transfer, stats: statsB, seconds: (performance.now() - started) / 1000 };
}

async function fitWake(
  model: TransferModel,
  data: WakeData,
  stats: FeatureStats,
  options: TrainSettings & {
    name: string;
    phases: TrainingPhase[];
    augment?: FitOptions["augment"];
  },
): Promise<void> {
  const all = tensorDataset(clipTensor(data.features, stats), data.labels);
  const train: Dataset = subsetDataset(all, [...data.train]);
  const validation: Dataset = subsetDataset(all, [...data.validation]);
  const started = performance.now();
  try {
    await model.fit(train, {
      phases: options.phases,
      batchSize: 32,
      validation,
      classWeights: "balanced",
      earlyStopping: { patience: 8 },
      seed: options.seed,
      ...(options.augment ? { augment: options.augment } : {}),
      onProgress: (e) => {
        if (e.type !== "epoch-end" || (e.epoch % 5 !== 0 && e.epoch !== e.epochs)) return;
        const m = e.metrics;
        options.log(
          `  ${options.name} [${e.phaseName}${e.cachedFeatures ? ", cached features" : ""}] epoch ${e.epoch}/${e.epochs}: ` +
            `loss ${m["loss"]?.toFixed(3)}, val_loss ${m["val_loss"]?.toFixed(3)}, val_accuracy ${m["val_accuracy"]?.toFixed(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
        );
      },
    });
  } finally {
    all.dispose();
  }
}
