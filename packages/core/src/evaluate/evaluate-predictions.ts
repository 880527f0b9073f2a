import { DataError, InputMismatchError } from "../errors.js";
import type { Task } from "../types.js";
import { classificationReport, classMetrics, macroAverages } from "./classification-report.js";
import type { ClassMetrics } from "./classification-report.js";
import { auc, oneVsRestRoc, rocCurve } from "./roc.js";
import type { RocCurve } from "./roc.js";
import { argmax, toRows } from "./probability-rows.js";

/** One class's ROC curve and its area. */
export interface ClassRoc extends RocCurve {
  label: string;
  auc: number;
}

/** Metrics of a model on labelled examples; plain JSON, stored in `graft.json` and printed by the CLI. */
export interface EvaluationReport {
  task: Task["kind"];
  labels: string[];
  examples: number;
  /** Fraction of examples predicted exactly right (multilabel: every label right). */
  accuracy: number;
  perClass: (ClassMetrics & { auc: number | null })[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** Mean AUC over the classes that have one; the positive class's AUC for binary tasks. */
  macroAuc: number | null;
  /** `confusion[true][predicted]`; `null` for multilabel (see each label's counts in `perClass`). */
  confusion: number[][] | null;
  /** Binary: the positive class's curve only. Multiclass/multilabel: one-vs-rest, classes without positives or negatives left out. */
  roc: ClassRoc[];
  /** Decision threshold on probabilities (binary, multilabel); `null` for multiclass (argmax). */
  threshold: number | null;
}

/** Options of {@link evaluatePredictions}. */
export interface EvaluateOptions {
  /**
   * Probability at or above which an example (or a label) counts as positive.
   * @default 0.5
   */
  threshold?: number;
}

/**
 * Scores predicted probabilities against true labels. `probs` holds one row
 * per example (or is one flat array of rows): softmax outputs for multiclass,
 * P(positive) (one column, or two softmax columns) for binary, one sigmoid per
 * label for multilabel. `labels` are class indices, or 0/1 rows for multilabel.
 */
export function evaluatePredictions(
  probs: readonly ArrayLike<number>[] | Float32Array,
  labels: readonly number[] | readonly (readonly number[])[],
  task: Task,
  { threshold = 0.5 }: EvaluateOptions = {},
): EvaluationReport {
  const names = [...task.labels];
  const rows = toRows(probs, task, labels.length);
  if (rows.length !== labels.length) {
    throw new InputMismatchError(
      `evaluatePredictions: expected one prediction row per label, got ${rows.length} rows for ${labels.length} labels.`,
      labels.length,
      rows.length,
    );
  }
  if (rows.length === 0) throw new DataError("evaluatePredictions: no examples to evaluate.");
  if (task.kind === "multilabel") return multilabelReport(rows, labels, names, threshold);

  const truth = labels.map((label, i) => {
    if (
      typeof label !== "number" ||
      !Number.isInteger(label) ||
      label < 0 ||
      label >= names.length
    ) {
      throw new DataError(
        `evaluatePredictions: label of example ${i} is ${JSON.stringify(label)}; expected a class index in [0, ${names.length}).`,
      );
    }
    return label;
  });
  if (task.kind === "binary") {
    const scores = rows.map((row) => (row.length === 2 ? (row[1] ?? 0) : (row[0] ?? 0)));
    const report = classificationReport(
      truth,
      scores.map((s) => (s >= threshold ? 1 : 0)),
      2,
      names,
    );
    const roc = hasBoth(truth.map((t) => t === 1))
      ? [withAuc(names[1] ?? "1", rocCurve(scores, truth))]
      : [];
    const positiveAuc = roc[0]?.auc ?? null;
    return {
      task: task.kind,
      labels: names,
      examples: rows.length,
      ...report,
      perClass: report.perClass.map((m, c) => ({
        ...m,
        auc: positiveAuc === null ? null : c === 1 ? positiveAuc : 1 - positiveAuc,
      })),
      macroAuc: positiveAuc,
      roc,
      threshold,
    };
  }
  const predicted = rows.map(argmax);
  const report = classificationReport(truth, predicted, names.length, names);
  const curves = oneVsRestRoc(rows, names.length, (i, c) => truth[i] === c);
  return assemble(task.kind, names, rows.length, report, curves, null);
}

function multilabelReport(
  rows: readonly ArrayLike<number>[],
  labels: readonly number[] | readonly (readonly number[])[],
  names: string[],
  threshold: number,
): EvaluationReport {
  const truth = labels.map((label, i) => {
    if (typeof label === "number" || label.length !== names.length) {
      throw new DataError(
        `evaluatePredictions: label of example ${i} should be a 0/1 row of ${names.length} values, got ${JSON.stringify(label)}.`,
      );
    }
    return label.map((v) => v > 0.5);
  });
  let exact = 0;
  const counts = names.map(() => ({ tp: 0, fp: 0, fn: 0, tn: 0 }));
  rows.forEach((row, i) => {
    let allRight = true;
    counts.forEach((count, c) => {
      const p = (row[c] ?? 0) >= threshold;
      const t = truth[i]?.[c] ?? false;
      if (p !== t) allRight = false;
      if (p && t) count.tp++;
      else if (p) count.fp++;
      else if (t) count.fn++;
      else count.tn++;
    });
    if (allRight) exact++;
  });
  const perClass = counts.map((count, c) => classMetrics(names[c] ?? String(c), count));
  const report = {
    accuracy: exact / rows.length,
    perClass,
    ...macroAverages(perClass),
    confusion: null,
  };
  const curves = oneVsRestRoc(rows, names.length, (i, c) => truth[i]?.[c] ?? false);
  return assemble("multilabel", names, rows.length, report, curves, threshold);
}

function assemble(
  kind: Task["kind"],
  names: string[],
  examples: number,
  report: Omit<
    EvaluationReport,
    "task" | "labels" | "examples" | "macroAuc" | "roc" | "threshold" | "perClass"
  > & { perClass: ClassMetrics[] },
  curves: (RocCurve | null)[],
  threshold: number | null,
): EvaluationReport {
  const roc: ClassRoc[] = [];
  const aucs = curves.map((curve, c) => {
    if (!curve) return null;
    const entry = withAuc(names[c] ?? String(c), curve);
    roc.push(entry);
    return entry.auc;
  });
  const defined = aucs.filter((a): a is number => a !== null);
  return {
    task: kind,
    labels: names,
    examples,
    ...report,
    perClass: report.perClass.map((m, c) => ({ ...m, auc: aucs[c] ?? null })),
    macroAuc: defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length,
    roc,
    threshold,
  };
}

function hasBoth(flags: readonly boolean[]): boolean {
  return flags.includes(true) && flags.includes(false);
}

function withAuc(label: string, curve: RocCurve): ClassRoc {
  return { label, ...curve, auc: auc(curve) };
}
