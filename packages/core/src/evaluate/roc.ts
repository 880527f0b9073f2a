import { DataError } from "../errors.js";

/**
 * Receiver operating characteristic: point `i` is the false- and true-positive
 * rate when every example scoring `>= thresholds[i]` is called positive.
 * Point 0 is (0, 0): its threshold lies above every score (max score + 1, so
 * the curve stays JSON-serialisable).
 */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/**
 * ROC curve of `scores` against the truth `positives`. Examples with equal
 * scores form one step (a diagonal segment), so ties count half, as in the
 * Mann–Whitney statistic. Needs at least one positive and one negative.
 */
export function rocCurve(
  scores: ArrayLike<number>,
  positives: ArrayLike<boolean | number>,
): RocCurve {
  if (scores.length !== positives.length) {
    throw new DataError(
      `rocCurve: expected one truth value per score, got ${positives.length} for ${scores.length} scores.`,
    );
  }
  const order = Array.from({ length: scores.length }, (_, i) => i);
  let totalPos = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]))
      throw new DataError(`rocCurve: score ${i} is ${scores[i]}; expected a finite number.`);
    if (isPositive(positives[i])) totalPos++;
  }
  const totalNeg = scores.length - totalPos;
  if (totalPos === 0 || totalNeg === 0) {
    throw new DataError(
      `rocCurve: needs both positive and negative examples, got ${totalPos} positive and ${totalNeg} negative.`,
    );
  }
  order.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));

  const top = scores[order[0] ?? 0] ?? 0;
  const curve: RocCurve = { fpr: [0], tpr: [0], thresholds: [top + 1] };
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    if (isPositive(positives[i])) tp++;
    else fp++;
    const score = scores[i] ?? 0;
    const nextScore = k + 1 < order.length ? scores[order[k + 1] ?? 0] : undefined;
    // Only emit a point once every example with this score has been counted.
    if (nextScore !== score) {
      curve.fpr.push(fp / totalNeg);
      curve.tpr.push(tp / totalPos);
      curve.thresholds.push(score);
    }
  }
  return curve;
}

/** Area under a ROC curve, by the trapezoid rule. */
export function auc(curve: Pick<RocCurve, "fpr" | "tpr">): number {
  let area = 0;
  for (let i = 1; i < curve.fpr.length; i++) {
    const dx = (curve.fpr[i] ?? 0) - (curve.fpr[i - 1] ?? 0);
    area += (dx * ((curve.tpr[i] ?? 0) + (curve.tpr[i - 1] ?? 0))) / 2;
  }
  return area;
}

/**
 * One-vs-rest ROC curves of a multiclass (or multilabel) problem: class `c`
 * is positive for the examples `isPositive(i, c)` says are. A class without
 * positives or without negatives has no curve (`null`).
 */
export function oneVsRestRoc(
  probs: readonly ArrayLike<number>[],
  numClasses: number,
  isPositiveFor: (example: number, cls: number) => boolean,
): (RocCurve | null)[] {
  const curves: (RocCurve | null)[] = [];
  for (let c = 0; c < numClasses; c++) {
    const scores = probs.map((row) => row[c] ?? 0);
    const truth = probs.map((_, i) => isPositiveFor(i, c));
    const pos = truth.filter(Boolean).length;
    curves.push(pos === 0 || pos === truth.length ? null : rocCurve(scores, truth));
  }
  return curves;
}

function isPositive(value: boolean | number | undefined): boolean {
  return value === true || (typeof value === "number" && value > 0.5);
}
