import { DataError } from "../errors.js";

/**
 * Counts of (true class, predicted class) pairs: `matrix[t][p]` is the number
 * of examples of class `t` predicted as `p`. Rows sum to each class's support.
 */
export function confusionMatrix(
  trueIdx: readonly number[],
  predIdx: readonly number[],
  numClasses: number,
): number[][] {
  if (trueIdx.length !== predIdx.length) {
    throw new DataError(
      `confusionMatrix: expected as many predictions as labels, got ${predIdx.length} predictions for ${trueIdx.length} labels.`,
    );
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < trueIdx.length; i++) {
    const t = trueIdx[i] ?? -1;
    const p = predIdx[i] ?? -1;
    const row = matrix[t];
    if (!row || !Number.isInteger(p) || p < 0 || p >= numClasses) {
      throw new DataError(
        `confusionMatrix: example ${i} has label ${t} and prediction ${p}; expected class indices in [0, ${numClasses}).`,
      );
    }
    row[p] = (row[p] ?? 0) + 1;
  }
  return matrix;
}
