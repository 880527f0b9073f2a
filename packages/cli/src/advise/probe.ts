import {
  createTransferModel,
  featureBackbone,
  stratifiedSplit,
  tensorDataset,
  type HeadFactory,
  type Task,
} from "@graft/core";
import * as tf from "@tensorflow/tfjs";

// The features of each arm (A's backbone, its randomly initialised copy, raw
// inputs) come from core's probe module (featuresOf, randomlyInitialised,
// rawInputs), shared with the examples and the cut-point explorer.

/** Test accuracy of a head trained on one kind of features. */
export interface ArmResult {
  readonly name: "A features" | "random backbone" | "raw inputs";
  readonly features: number;
  readonly accuracy: number;
  readonly auc: number | null;
}

/** Settings of the linear-probe style comparison. */
export interface ProbeOptions {
  readonly head: HeadFactory;
  readonly task: Task;
  readonly epochs: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly testFraction: number;
}

/** The fixed train/test split of B used by every arm. */
export function probeSplit(
  labels: readonly number[],
  options: Pick<ProbeOptions, "testFraction" | "seed">,
): { train: number[]; test: number[] } {
  const split = stratifiedSplit(labels, { validation: options.testFraction, seed: options.seed });
  return { train: split.train, test: split.validation };
}

/** Trains `options.head` on `features[train]` and scores it on `features[test]`. */
export async function trainHeadOn(
  features: tf.Tensor2D,
  labels: readonly number[],
  train: readonly number[],
  test: readonly number[],
  options: ProbeOptions,
): Promise<{ accuracy: number; auc: number | null }> {
  const d = features.shape[1];
  const take = (ids: readonly number[]) =>
    tensorDataset(
      tf.gather(features, [...ids]),
      ids.map((i) => labels[i] as number),
    );
  const trainSet = take(train);
  const testSet = take(test);
  const model = createTransferModel({
    backbone: featureBackbone([d]),
    task: options.task,
    head: options.head,
    seed: options.seed,
  });
  try {
    await model.fit(trainSet, {
      epochs: options.epochs,
      learningRate: options.learningRate,
      seed: options.seed,
      batchSize: 32,
    });
    const report = await model.evaluate(testSet);
    return { accuracy: report.accuracy, auc: report.macroAuc };
  } finally {
    model.dispose();
    trainSet.dispose();
    testSet.dispose();
  }
}

/** A stratified subset holding about `fraction` of `train` (at least one example per class). */
export function subsetOf(
  train: readonly number[],
  labels: readonly number[],
  fraction: number,
  seed: number,
): number[] {
  if (fraction >= 1) return [...train];
  const split = stratifiedSplit(
    train.map((i) => labels[i] as number),
    { validation: 1 - fraction, seed },
  );
  return split.train.map((j) => train[j] as number);
}
