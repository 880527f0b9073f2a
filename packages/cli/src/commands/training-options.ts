import type { FreezePolicy, TrainingPhase } from "@graft/core";
import type { Command } from "commander";

import type { TaskChoice } from "../data.js";
import { UsageError } from "../errors.js";
import {
  choice,
  fraction,
  nonNegativeInt,
  parseFreeze,
  parseHead,
  positiveInt,
  positiveNumber,
  type HeadSpec,
} from "../options.js";
import type { PluginOptions } from "../plugins/types.js";

/** Options shared by `pretrain` and `transfer`. */
export interface TrainingFlags {
  out: string;
  plugin?: string;
  head: HeadSpec;
  dropout: number;
  headNorm: "none" | "batch" | "layer";
  epochs: number;
  lr: number;
  batchSize: number;
  validation: number;
  test: number;
  seed: number;
  patience?: number;
  augment?: boolean;
  checkpoint?: string;
  resume?: boolean;
  task: TaskChoice;
  positive?: string;
  negatives?: string[];
  inputSize?: number;
  channels?: 1 | 3;
  normalization?: "unit" | "symmetric" | "imagenet";
  feature?: "log-mel" | "mfcc";
  bands?: number;
  clipSeconds?: number;
  sampleRate?: number;
  quiet?: boolean;
}

/** Adds the data, head, schedule, split and checkpoint options. */
export function addTrainingOptions(
  command: Command,
  defaults: { head: string; epochs: number },
): Command {
  return command
    .requiredOption("-o, --out <dir>", "where to save the model (written atomically)")
    .option(
      "--plugin <name>",
      "@graft/vision or @graft/audio (default: from the source model, or from the data's file types)",
    )
    .option(
      "--head <spec>",
      'new head: "output" (one new output layer), "dense:64,dense:32", "mil[:8]" (images: a score per location of an unpooled map, pooled by log-sum-exp; mil-max, mil-topk), or "wake-word[:64:32]" (audio)',
      parseHead,
      parseHead(defaults.head),
    )
    .option("--dropout <rate>", "dropout in the head (mil heads: 0.2 unless given)", fraction, 0)
    .option(
      "--head-norm <kind>",
      "normalisation after hidden head layers: none, batch, layer",
      choice(["none", "batch", "layer"] as const),
      "none",
    )
    .option("--epochs <n>", "epochs of the first phase", nonNegativeInt, defaults.epochs)
    .option("--lr <rate>", "learning rate", positiveNumber, 1e-3)
    .option("--batch-size <n>", "examples per batch", positiveInt, 32)
    .option("--validation <fraction>", "held out for validation (stratified)", fraction, 0.2)
    .option(
      "--test <fraction>",
      "held out for the final test, whose metrics are saved in graft.json",
      fraction,
      0.2,
    )
    .option("--seed <n>", "seed of the split, shuffles and new weights", nonNegativeInt, 0)
    .option("--patience <n>", "early stopping: epochs without val_loss improvement", positiveInt)
    .option(
      "--augment",
      "augment training batches (images: flips, small rotations, crops, brightness, contrast)",
    )
    .option(
      "--task <kind>",
      "auto (binary for 2 classes), binary, multiclass",
      choice(["auto", "binary", "multiclass"] as const),
      "auto",
    )
    .option(
      "--positive <label>",
      "positive class of a binary task (default: the second class name, sorted)",
    )
    .option(
      "--negatives <wav...>",
      "audio: long recordings without the wake word, for false accepts per hour",
    )
    .option(
      "--checkpoint <dir>",
      "checkpoint directory (default: <out>.checkpoint); kept when Ctrl-C stops training",
    )
    .option("--resume", "continue from the checkpoint of an interrupted run with the same options")
    .option(
      "--input-size <px>",
      "vision: square input side (fresh backbones, and resizable built-ins such as nsfwjs-mobilenetv2)",
      positiveInt,
    )
    .option("--channels <n>", "vision: 1 (grayscale) or 3 (RGB)", (v) =>
      choice(["1", "3"] as const)(v) === "1" ? 1 : 3,
    )
    .option(
      "--normalization <kind>",
      "vision: unit, symmetric or imagenet pixel scaling (plain model.json and .onnx sources)",
      choice(["unit", "symmetric", "imagenet"] as const),
    )
    .option("--feature <kind>", "audio: log-mel or mfcc", choice(["log-mel", "mfcc"] as const))
    .option("--bands <n>", "audio: mel bands", positiveInt)
    .option("--clip-seconds <s>", "audio: clip length", positiveNumber)
    .option("--sample-rate <hz>", "audio: sample rate the model hears", positiveInt)
    .option("-q, --quiet", "no progress or log lines");
}

/** The plugin options in the flags. */
export function pluginOptions(
  flags: TrainingFlags & { width?: number; blocks?: number; alpha?: number },
): PluginOptions {
  const o: Record<string, unknown> = {};
  for (const key of [
    "inputSize",
    "channels",
    "normalization",
    "feature",
    "bands",
    "clipSeconds",
    "sampleRate",
    "width",
    "blocks",
    "alpha",
    "seed",
  ] as const) {
    if (flags[key] !== undefined) o[key] = flags[key];
  }
  return o as PluginOptions;
}

/** The training schedule: a head phase, then an optional fine-tuning phase (`--unfreeze`, `--fine-tune-epochs`, `--lr-mult`). */
export function schedule(
  flags: TrainingFlags & {
    freeze?: FreezePolicy;
    unfreeze?: FreezePolicy;
    fineTuneEpochs?: number;
    lrMult?: number;
    fineTuneLr?: number;
  },
  first: { name: string; freeze: FreezePolicy },
): TrainingPhase[] {
  const phases: TrainingPhase[] = [
    { name: first.name, epochs: flags.epochs, freeze: first.freeze, learningRate: flags.lr },
  ];
  if (flags.unfreeze !== undefined) {
    const epochs = flags.fineTuneEpochs ?? 5;
    if (epochs > 0)
      phases.push({
        name: "fine-tune",
        epochs,
        freeze: flags.unfreeze,
        learningRate: flags.fineTuneLr ?? flags.lr,
        backboneLrMult: flags.lrMult ?? 0.1,
      });
  } else if (flags.fineTuneEpochs !== undefined || flags.lrMult !== undefined) {
    throw new UsageError(
      "--fine-tune-epochs and --lr-mult need --unfreeze (e.g. --unfreeze top:2).",
    );
  }
  if (phases.every((p) => p.epochs === 0))
    throw new UsageError("the schedule has no epochs.", "pass --epochs 10");
  return phases;
}

/** Shared freeze options of `transfer`. */
export function addScheduleOptions(command: Command): Command {
  return command
    .option(
      "--freeze <policy>",
      "backbone during the first phase: frozen, all, top:<n>, from:<layer>",
      parseFreeze,
      "frozen",
    )
    .option(
      "--unfreeze <policy>",
      "then fine-tune with this much unfrozen: top:<n>, from:<layer>, all",
      parseFreeze,
    )
    .option("--fine-tune-epochs <n>", "epochs of the fine-tuning phase (default 5)", nonNegativeInt)
    .option(
      "--lr-mult <x>",
      "backbone learning rate during fine-tuning, as a multiple of the head's (default 0.1)",
      positiveNumber,
    )
    .option(
      "--fine-tune-lr <rate>",
      "head learning rate during fine-tuning (default --lr)",
      positiveNumber,
    );
}

/** The run settings `pretrain` and `transfer` share, from their flags. */
export function runSettings(flags: TrainingFlags) {
  return {
    task: flags.task,
    ...(flags.positive ? { positive: flags.positive } : {}),
    batchSize: flags.batchSize,
    validation: flags.validation,
    test: flags.test,
    seed: flags.seed,
    ...(flags.patience ? { patience: flags.patience } : {}),
    augment: Boolean(flags.augment),
    ...(flags.checkpoint ? { checkpoint: flags.checkpoint } : {}),
    resume: Boolean(flags.resume),
    negatives: flags.negatives ?? [],
  };
}
