import * as tf from "@tensorflow/tfjs";

import { DataError } from "../errors.js";
import type { Dataset, Task } from "../types.js";

/** Label tensor for the examples at `indices`, in the shape the task's output has. */
export function targetsFor(
  task: Task,
  labels: Dataset["labels"],
  indices: readonly number[],
): tf.Tensor2D {
  const k = task.labels.length;
  if (task.kind === "multilabel") {
    const rows = indices.map((i) => labels[i] as readonly number[]);
    return tf.tensor2d(
      rows.map((r) => [...r]),
      [indices.length, k],
      "float32",
    );
  }
  const idx = indices.map((i) => labels[i] as number);
  if (task.kind === "binary") return tf.tensor2d(idx, [idx.length, 1], "float32");
  return tf.tidy(() => tf.oneHot(tf.tensor1d(idx, "int32"), k).toFloat() as tf.Tensor2D);
}

/** Checks that labels fit the task; names the first bad one. */
export function checkLabels(task: Task, labels: Dataset["labels"], what = "training data"): void {
  if (labels.length === 0) {
    throw new DataError(`The ${what} is empty.`, {
      fix: "point graft at a folder or manifest with labelled examples",
    });
  }
  const k = task.labels.length;
  labels.forEach((label, i) => {
    if (task.kind === "multilabel") {
      if (!Array.isArray(label) || label.length !== k) {
        throw new DataError(
          `Example ${i} of the ${what}: expected ${k} 0/1 labels, got ${JSON.stringify(label)}.`,
        );
      }
    } else if (typeof label !== "number" || !Number.isInteger(label) || label < 0 || label >= k) {
      throw new DataError(
        `Example ${i} of the ${what}: expected a class index from 0 to ${k - 1} (${task.labels.join(", ")}), got ${JSON.stringify(label)}.`,
      );
    }
  });
  if (task.kind !== "multilabel") {
    const present = new Set(labels as readonly number[]);
    if (present.size < 2) {
      const only = task.labels[(labels[0] as number) ?? 0];
      throw new DataError(
        `The ${what} holds only class "${only}"; a classifier needs examples of at least two classes.`,
        {
          fix: "add examples of the other class(es)",
        },
      );
    }
  }
}

/** Per-class weights `n / (k · count_c)`, so each class weighs the same in the loss. */
export function balancedClassWeights(task: Task, labels: Dataset["labels"]): number[] {
  const k = task.kind === "binary" ? 2 : task.labels.length;
  const counts = new Array<number>(k).fill(0);
  for (const label of labels as readonly number[]) counts[label] = (counts[label] ?? 0) + 1;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (k * c)));
}
