import * as tf from "@tensorflow/tfjs";

import { createRng } from "../data/random.js";
import { ConfigError } from "../errors.js";
import { auc, rocCurve } from "../evaluate/roc.js";
import { trainSoftmaxProbe, type SoftmaxProbeOptions } from "./softmax-probe.js";

/** A mean and the standard deviation around it, over folds. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
}

/** What {@link crossValidateProbe} measured. */
export interface CrossValidation {
  readonly folds: number;
  /** Accuracy of the held-out fold, over folds. */
  readonly accuracy: Spread;
  /** Macro one-vs-rest ROC AUC of the held-out fold, over folds. */
  readonly auc: Spread;
  readonly perFold: readonly { accuracy: number; auc: number }[];
}

/** Options of {@link crossValidateProbe}. */
export interface CrossValidateOptions extends SoftmaxProbeOptions {
  /** @default 5 */
  folds?: number;
}

/**
 * Splits example indices into `k` folds with each class spread evenly over
 * them (a seeded shuffle per class, dealt round-robin).
 */
export function stratifiedFolds(labels: readonly number[], k: number, seed = 0): number[][] {
  const counts = new Map<number, number[]>();
  labels.forEach((label, i) => counts.set(label, [...(counts.get(label) ?? []), i]));
  const smallest = Math.min(...[...counts.values()].map((ids) => ids.length));
  if (!Number.isInteger(k) || k < 2 || k > smallest) {
    throw new ConfigError(
      `stratifiedFolds: expected 2 ≤ folds ≤ ${smallest} (examples of the rarest class), got ${k}.`,
      { fix: "use fewer folds or add examples of the rarest class" },
    );
  }
  const rng = createRng(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const label of [...counts.keys()].sort((a, b) => a - b)) {
    for (const i of rng.shuffle([...(counts.get(label) ?? [])])) {
      folds[next % k]?.push(i);
      next++;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/** Mean and (population) standard deviation. */
export function spread(values: readonly number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1);
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(values.length, 1);
  return { mean, std: Math.sqrt(variance) };
}

/** Accuracy and macro one-vs-rest AUC of probabilities `probs` (row-major `[n, k]`). */
export function scoreProbabilities(
  probs: Float32Array | number[],
  labels: readonly number[],
  k: number,
): { accuracy: number; auc: number } {
  let correct = 0;
  labels.forEach((label, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] ?? 0) > (probs[i * k + best] ?? 0)) best = c;
    if (best === label) correct++;
  });
  const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  const aucs: number[] = [];
  for (const c of classes) {
    const positives = labels.map((l) => l === c);
    if (positives.every(Boolean) || !positives.some(Boolean)) continue;
    const scores = labels.map((_, i) => probs[i * k + c] ?? 0);
    aucs.push(auc(rocCurve(scores, positives)));
  }
  return { accuracy: correct / Math.max(labels.length, 1), auc: spread(aucs).mean };
}

/**
 * k-fold cross-validation of a softmax probe on cached features: each fold is
 * held out once while a probe trains on the others. With ~100 examples a
 * single validation split is too noisy to trust; the spread over folds says
 * how much.
 */
export function crossValidateProbe(
  features: tf.Tensor2D,
  labels: readonly number[],
  { folds = 5, seed = 0, ...probe }: CrossValidateOptions = {},
): CrossValidation {
  const k = classCount(labels, probe.classes);
  const perFold = foldSplits(labels, folds, seed).map(({ train, test }) => {
    const xTrain = tf.gather(features, train);
    const xTest = tf.gather(features, test);
    const model = trainSoftmaxProbe(
      xTrain,
      train.map((i) => labels[i] as number),
      { ...probe, classes: k, seed },
    );
    try {
      const probs = model.predict(xTest);
      const values = probs.dataSync() as Float32Array;
      probs.dispose();
      return scoreProbabilities(
        values,
        test.map((i) => labels[i] as number),
        k,
      );
    } finally {
      model.dispose();
      xTrain.dispose();
      xTest.dispose();
    }
  });
  return summarize(folds, perFold);
}

/**
 * k-fold cross-validation of any model: `fitAndPredict` trains on the `train`
 * indices and returns class probabilities (row-major `[test.length, k]`) for
 * the `test` ones. The folds are {@link crossValidateProbe}'s for the same
 * `folds` and `seed`, so results of different heads can be ranked together.
 */
export async function crossValidateWith(
  labels: readonly number[],
  { folds = 5, seed = 0, classes }: { folds?: number; seed?: number; classes?: number },
  fitAndPredict: (train: number[], test: number[], k: number) => Promise<Float32Array | number[]>,
): Promise<CrossValidation> {
  const k = classCount(labels, classes);
  const perFold: { accuracy: number; auc: number }[] = [];
  for (const { train, test } of foldSplits(labels, folds, seed)) {
    const probs = await fitAndPredict(train, test, k);
    perFold.push(
      scoreProbabilities(
        probs,
        test.map((i) => labels[i] as number),
        k,
      ),
    );
  }
  return summarize(folds, perFold);
}

function classCount(labels: readonly number[], classes: number | undefined): number {
  return classes ?? Math.max(2, ...labels.map((l) => l + 1));
}

/** Each fold held out once, the rest to train on. */
function foldSplits(
  labels: readonly number[],
  k: number,
  seed: number,
): { train: number[]; test: number[] }[] {
  return stratifiedFolds(labels, k, seed).map((test) => {
    const held = new Set(test);
    return { train: labels.map((_, i) => i).filter((i) => !held.has(i)), test };
  });
}

function summarize(folds: number, perFold: { accuracy: number; auc: number }[]): CrossValidation {
  return {
    folds,
    accuracy: spread(perFold.map((f) => f.accuracy)),
    auc: spread(perFold.map((f) => f.auc)),
    perFold,
  };
}
