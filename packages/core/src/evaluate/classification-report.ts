import { confusionMatrix } from "./confusion-matrix.js";

/** Precision, recall and F1 of one class, counted one-vs-rest. */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of examples whose true class (or label, for multilabel) is this one. */
  support: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

/** Metrics of single-label predictions. */
export interface ClassificationReport {
  accuracy: number;
  perClass: ClassMetrics[];
  macroPrecision: number;
  macroRecall: number;
  /** Unweighted mean of the per-class F1 scores: each class counts the same, however rare. */
  macroF1: number;
  confusion: number[][];
}

/**
 * Accuracy, per-class precision/recall/F1/support and their macro averages.
 * A ratio with a zero denominator (a class never predicted, or absent) is 0.
 */
export function classificationReport(
  trueIdx: readonly number[],
  predIdx: readonly number[],
  numClasses: number,
  labels?: readonly string[],
): ClassificationReport {
  const confusion = confusionMatrix(trueIdx, predIdx, numClasses);
  const total = trueIdx.length;
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c]?.[c] ?? 0;
    correct += tp;
    const support = sum(confusion[c] ?? []);
    const predicted = sum(confusion.map((row) => row[c] ?? 0));
    perClass.push(
      classMetrics(labels?.[c] ?? String(c), {
        tp,
        fp: predicted - tp,
        fn: support - tp,
        tn: total - support - predicted + tp,
      }),
    );
  }
  return {
    accuracy: ratio(correct, total),
    perClass,
    ...macroAverages(perClass),
    confusion,
  };
}

/** Builds one class's metrics from its one-vs-rest counts. */
export function classMetrics(
  label: string,
  { tp, fp, fn, tn }: { tp: number; fp: number; fn: number; tn: number },
): ClassMetrics {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    label,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    support: tp + fn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
  };
}

/** Unweighted means of precision, recall and F1 over classes. */
export function macroAverages(perClass: readonly ClassMetrics[]): {
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
} {
  const mean = (pick: (m: ClassMetrics) => number): number =>
    ratio(sum(perClass.map(pick)), perClass.length);
  return {
    macroPrecision: mean((m) => m.precision),
    macroRecall: mean((m) => m.recall),
    macroF1: mean((m) => m.f1),
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
