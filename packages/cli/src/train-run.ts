import { rm } from "node:fs/promises";
import path from "node:path";

import {
  acquireDirLock,
  collectBatches,
  createTransferModel,
  type Backbone,
  type Dataset,
  type DetectionHooks,
  type FreezePolicy,
  type HeadFactory,
  type Json,
  type Preprocessor,
  type TrainingPhase,
} from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import { classCounts, pick, splitIndices, taskFor, type TaskChoice } from "./data.js";
import { InterruptedError } from "./errors.js";
import type { CommandContext } from "./io.js";
import type { CliPlugin, LabelledInputs } from "./plugins/types.js";
import { fmt, trainingProgress } from "./progress.js";

/** Everything `pretrain` and `transfer` share: data, split, schedule, checkpoint, save. */
export interface TrainRun {
  readonly command: "pretrain" | "transfer";
  readonly dataPath: string;
  readonly data: LabelledInputs;
  readonly out: string;
  readonly plugin: CliPlugin;
  readonly preprocessor: Preprocessor;
  readonly backbone: Backbone;
  readonly head: HeadFactory;
  readonly headText: string;
  readonly freeze: FreezePolicy;
  readonly phases: TrainingPhase[];
  readonly task: TaskChoice;
  readonly positive?: string;
  readonly batchSize: number;
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
  readonly patience?: number;
  readonly augment: boolean;
  readonly checkpoint?: string;
  readonly resume: boolean;
  readonly negatives: readonly string[];
  readonly source?: string;
  /** What `--cut auto` explored and chose, recorded in graft.json. */
  readonly explore?: Json;
}

/**
 * Splits the data, trains by the schedule, evaluates on the test part and
 * saves the model. Holds the lock of the output (and checkpoint) directory for
 * the whole run, so a second training into the same folder is refused at once
 * instead of overwriting this one's checkpoints and model.
 */
export async function runTraining(context: CommandContext, run: TrainRun): Promise<void> {
  const checkpoint = run.checkpoint ?? `${path.resolve(run.out)}.checkpoint`;
  const locks = [await acquireDirLock(run.out)];
  try {
    if (run.checkpoint) locks.push(await acquireDirLock(checkpoint));
    await trainLocked(context, run, checkpoint);
  } finally {
    for (const lock of locks.reverse()) await lock.release();
  }
}

async function trainLocked(
  context: CommandContext,
  run: TrainRun,
  checkpoint: string,
): Promise<void> {
  const { task, labels } = taskFor(run.data, run.task, run.positive);
  const split = splitIndices(labels, run.validation, run.test, run.seed);
  const datasets: Dataset[] = [];
  const make = async (ids: number[], augment = false) => {
    const d = await run.plugin.dataset(
      pick(run.data.inputs, ids),
      pick(labels, ids),
      run.preprocessor,
      { augment, seed: run.seed },
    );
    datasets.push(d);
    return d;
  };
  context.log(
    `data: ${run.data.inputs.length} examples (${Object.entries(classCounts(labels, task.labels))
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ", ",
      )}); train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}`,
  );
  const train = await make(split.train, run.augment);
  const validation = split.validation.length > 0 ? await make(split.validation) : undefined;
  const test = split.test.length > 0 ? await make(split.test) : undefined;
  const model = createTransferModel({
    backbone: run.backbone,
    task,
    head: run.head,
    freeze: run.freeze,
    preprocessor: run.preprocessor,
    plugin: run.plugin.plugin,
    seed: run.seed,
  });
  try {
    context.log(`model: ${model.describe()}`);
    const history = await model.fit(train, {
      phases: run.phases,
      batchSize: run.batchSize,
      seed: run.seed,
      ...(validation ? { validation } : {}),
      ...(run.patience && validation ? { earlyStopping: { patience: run.patience } } : {}),
      checkpoint: { dir: checkpoint },
      resume: run.resume,
      signal: context.signal,
      onProgress: trainingProgress(context),
    });
    if (history.stopped === "aborted") {
      const done = history.epochs.length;
      throw new InterruptedError(
        `stopped by Ctrl-C after ${done} epoch${done === 1 ? "" : "s"}; the last checkpoint is kept in ${checkpoint}. Resume: run the same command with --resume`,
      );
    }
    const evalSet = test ?? validation;
    const report = evalSet ? await model.evaluate(evalSet) : undefined;
    const evalInputs = test
      ? pick(run.data.inputs, split.test)
      : validation
        ? pick(run.data.inputs, split.validation)
        : [];
    const evalLabels = test
      ? pick(labels, split.test)
      : validation
        ? pick(labels, split.validation)
        : [];
    let wake: Json | undefined;
    if (
      report &&
      run.plugin.detection &&
      task.kind === "binary" &&
      run.negatives.length > 0 &&
      evalSet
    ) {
      wake = await detectionSummary(
        run.plugin.detection,
        model.model,
        model.preprocessor,
        evalSet,
        run.negatives,
        report.threshold ?? 0.5,
      );
    }
    if (report) {
      context.log(
        `${test ? "test" : "validation"}: accuracy ${fmt(report.accuracy)}, macro F1 ${fmt(report.macroF1)}${report.macroAuc === null ? "" : `, AUC ${fmt(report.macroAuc)}`} on ${report.examples} examples`,
      );
    }
    const manifest = await model.save(run.out, {
      ...(report
        ? {
            metrics: {
              ...(report as unknown as Record<string, Json>),
              ...(wake ? { wakeWord: wake } : {}),
            },
          }
        : {}),
      extra: {
        cli: {
          command: run.command,
          data: path.resolve(run.dataPath),
          ...(run.source ? { source: run.source } : {}),
          ...(run.explore ? { explore: run.explore } : {}),
          head: run.headText,
          classCounts: classCounts(labels, task.labels),
          split: {
            train: split.train.length,
            validation: split.validation.length,
            test: split.test.length,
            seed: run.seed,
          },
          evaluatedOn: test ? "test" : validation ? "validation" : "none",
          evalInputs: evalInputs.map((f) => path.resolve(f)),
          evalLabels,
          negatives: run.negatives.map((f) => path.resolve(f)),
        },
      },
    });
    await rm(checkpoint, { recursive: true, force: true });
    context.log(
      `saved ${path.resolve(run.out)} (${manifest.task.kind}: ${manifest.task.labels.join(", ")})`,
    );
    if (report)
      context.out(
        `${run.command}: ${run.out}  accuracy ${fmt(report.accuracy)}  macro-F1 ${fmt(report.macroF1)}${report.macroAuc === null ? "" : `  AUC ${fmt(report.macroAuc)}`}`,
      );
    else context.out(`${run.command}: ${run.out}`);
  } finally {
    model.dispose();
    for (const d of datasets) d.dispose?.();
  }
}

async function detectionSummary(
  detection: DetectionHooks,
  model: tf.LayersModel,
  preprocessor: Preprocessor | undefined,
  positives: Dataset,
  negatives: readonly string[],
  threshold: number,
): Promise<Json> {
  const probs = await collectBatches(positives, 32, (x) => model.predict(x) as tf.Tensor);
  const rows = (await probs.array()) as number[][];
  probs.dispose();
  const positiveScores = rows.filter((_, i) => positives.labels[i] === 1).map((r) => r[0] ?? 0);
  const metrics = await detection.measure(model, preprocessor, positiveScores, negatives, threshold);
  return JSON.parse(JSON.stringify(metrics)) as Json;
}
