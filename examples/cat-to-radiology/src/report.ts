import type { EvaluationReport } from "@graft/core";

import type { RunResult } from "./compare.js";

/** The side-by-side lines the demo prints for one route. */
export function comparisonLines(
  route: string,
  train: number,
  transfer: RunResult,
  fineTuned: RunResult | null,
  scratch: RunResult,
): string[] {
  const row = (r: RunResult) =>
    `${r.kind} AUC ${fmt(r.report.macroAuc)}${" ".repeat(13 - r.kind.length)}accuracy ${fmt(r.report.accuracy)}   ` +
    `sensitivity ${fmt(recall(r.report, 1))}   specificity ${fmt(recall(r.report, 0))}   train ${r.trainSeconds.toFixed(1)} s`;
  return [
    `── ${route}: same architecture, same ${train} training images, same ${transfer.report.examples} test images ──`,
    `train images ${train}`,
    row(transfer),
    ...(fineTuned ? [row(fineTuned)] : []),
    row(scratch),
    `  transfer   = ${transfer.description}`,
    ...(fineTuned ? [`  fine-tuned = ${fineTuned.description}`] : []),
    `  scratch    = ${scratch.description}`,
  ];
}

/** Recall of class `index` (sensitivity for the lesion class, specificity for normal). */
export function recall(report: EvaluationReport, index: number): number {
  return report.perClass[index]?.recall ?? Number.NaN;
}

/** The metrics of a run without its ROC curve points, for metrics.json. */
export function summary(run: RunResult): Record<string, unknown> {
  const { roc, ...rest } = run.report;
  return {
    description: run.description,
    trainSeconds: Number(run.trainSeconds.toFixed(2)),
    auc: run.report.macroAuc,
    ...rest,
    rocPoints: roc[0]?.fpr.length ?? 0,
  };
}

function fmt(value: number | null): string {
  return value === null || Number.isNaN(value) ? "  n/a" : value.toFixed(3);
}
