import { existsSync } from "node:fs";

import type { AudioPreprocessor, FeatureStats } from "@graft/audio";
import {
  audio,
  audioPreprocessor,
  createRng,
  specAugmentBatch,
  speechBackbone,
  withFeatureStats,
} from "@graft/audio";
import {
  createTransferModel,
  denseHead,
  featureCacheKey,
  readManifest,
  stratifiedSplit,
  subsetDataset,
  tensorDataset,
} from "@graft/core";
import type { Backbone, Json } from "@graft/core";

import { TRANSCRIPTS } from "./corpus/vocabulary.js";
import type { ClipSet } from "./datasets.js";
import { cacheKey, clipTensor, FEATURES } from "./features.js";

/** The speech network's shape; shared by the pre-trained and the from-scratch model. */
export interface NetworkShape {
  readonly width: number;
  readonly blocks: number;
  /** End the backbone with a GRU over time instead of average pooling (learns word order; far faster to train here). */
  readonly gru: boolean;
}

/** Options of {@link pretrain}. */
export interface PretrainOptions extends NetworkShape {
  readonly epochs: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Where the task A model is saved. */
  readonly dir: string;
  /** Train even when `dir` holds a model of the same data and settings. */
  readonly retrain: boolean;
  readonly log: (line: string) => void;
}

/** What pre-training left behind. */
export interface PretrainResult {
  readonly dir: string;
  /** Word accuracy on the held-out 10 % of task A. */
  readonly accuracy: number;
  /** True when a saved model was reused instead of trained. */
  readonly reused: boolean;
  readonly seconds: number;
}

/** The preprocessor a model trained on data with these statistics reads with; saved in its `graft.json`. */
export function preprocessorFor(stats: FeatureStats): AudioPreprocessor {
  return audioPreprocessor(withFeatureStats(FEATURES, stats));
}

/**
 * The task A network: the speech backbone (depthwise-separable conv blocks,
 * then a GRU over time or global average pooling), then a dense layer of 64
 * and the word classifier on top. With random weights, it is also the from-scratch baseline.
 */
export function wordNetwork(
  preprocessor: AudioPreprocessor,
  { width, blocks, gru }: NetworkShape,
  seed: number,
): ReturnType<typeof createTransferModel> {
  const backbone: Backbone = speechBackbone({
    inputSpec: preprocessor.spec,
    width,
    blocks,
    gru,
    seed,
  });
  return createTransferModel({
    backbone,
    task: { kind: "multiclass", labels: [...TRANSCRIPTS] },
    head: denseHead({ units: [64], dropout: 0.1, prefix: "words" }),
    freeze: "trainable",
    preprocessor,
    plugin: audio,
    seed,
  });
}

/**
 * Task A: trains the word network on the transcripts (SpecAugment on every
 * batch, 10 % held out) and saves it with `TransferModel.save`. A model
 * saved earlier for the same data and settings is reused unless `retrain`.
 */
export async function pretrain(
  data: ClipSet,
  stats: FeatureStats,
  options: PretrainOptions,
): Promise<PretrainResult> {
  const { dir, epochs, seed, log } = options;
  const key = featureCacheKey(
    cacheKey(
      "pretrain",
      data.count,
      Array.from(data.features.subarray(0, 64)),
      Array.from(stats.mean),
      options.width,
      options.blocks,
      options.gru,
      epochs,
      seed,
      options.learningRate,
    ),
  );
  if (!options.retrain && existsSync(dir)) {
    const manifest = await readManifest(dir).catch(() => undefined);
    const extra = manifest?.extra as Record<string, Json> | undefined;
    if (extra?.["key"] === key && typeof extra["accuracy"] === "number") {
      log(
        `task A: reusing the model saved in ${dir} (same data and settings; --retrain to train again)`,
      );
      return { dir, accuracy: extra["accuracy"], reused: true, seconds: 0 };
    }
  }
  const started = performance.now();
  const network = wordNetwork(preprocessorFor(stats), options, seed);
  const all = tensorDataset(clipTensor(data.features, stats), data.labels);
  const split = stratifiedSplit(data.labels, { validation: 0.1, seed });
  const train = subsetDataset(all, split.train);
  const validation = subsetDataset(all, split.validation);
  const rng = createRng(seed + 11);
  log(`task A: training ${network.describe()}`);
  log(
    `task A: ${split.train.length} training clips, ${split.validation.length} held out; ${epochs} epochs`,
  );
  await network.fit(train, {
    epochs,
    learningRate: options.learningRate,
    batchSize: 32,
    validation,
    seed,
    // Features are normalised, so masking with 0 writes the band's mean.
    augment: (x) =>
      specAugmentBatch(x, rng, {
        timeMasks: 1,
        maxTimeWidth: 5,
        frequencyMasks: 1,
        maxFrequencyWidth: 4,
        fill: 0,
      }),
    onProgress: (e) => {
      if (e.type !== "epoch-end") return;
      const m = e.metrics;
      log(
        `  epoch ${e.epoch}/${e.epochs}: loss ${m["loss"]?.toFixed(3)}, accuracy ${m["accuracy"]?.toFixed(3)}, held-out accuracy ${m["val_accuracy"]?.toFixed(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    },
  });
  const report = await network.evaluate(validation);
  await network.save(dir, {
    metrics: { heldOutAccuracy: report.accuracy },
    extra: { key, accuracy: report.accuracy, clips: data.count, hours: data.seconds / 3600 },
  });
  all.dispose();
  network.dispose();
  return {
    dir,
    accuracy: report.accuracy,
    reused: false,
    seconds: (performance.now() - started) / 1000,
  };
}
