import { InputMismatchError } from "../errors.js";
import type { Task } from "../types.js";

/**
 * Turns predictions into one row per example (a flat array is cut into
 * `examples` equal rows) and checks each row has as many columns as the task.
 */
export function toRows(
  probs: readonly ArrayLike<number>[] | Float32Array,
  task: Task,
  examples: number,
): ArrayLike<number>[] {
  const rows = probs instanceof Float32Array ? splitFlat(probs, examples) : [...probs];
  const expected = task.kind === "binary" ? [1, 2] : [task.labels.length];
  rows.forEach((row, i) => {
    if (!expected.includes(row.length)) {
      throw new InputMismatchError(
        `evaluatePredictions: a ${task.kind} task with ${task.labels.length} labels expects ${expected.join(" or ")} probabilities per example, got ${row.length} in row ${i}.`,
        expected,
        row.length,
        {
          fix: "pass the model's output for this task (its last layer must match the task's labels)",
        },
      );
    }
  });
  return rows;
}

function splitFlat(flat: Float32Array, examples: number): Float32Array[] {
  if (examples === 0 || flat.length % examples !== 0) {
    throw new InputMismatchError(
      `evaluatePredictions: ${flat.length} probabilities cannot be split into ${examples} equal rows.`,
      examples,
      flat.length,
    );
  }
  const width = flat.length / examples;
  return Array.from({ length: examples }, (_, i) => flat.subarray(i * width, (i + 1) * width));
}

/** Index of the largest value of a row. */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < row.length; c++)
    if ((row[c] ?? -Infinity) > (row[best] ?? -Infinity)) best = c;
  return best;
}
