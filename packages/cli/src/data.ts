import { DataError, stratifiedSplit, type Task } from "@graft/core";

import { UsageError } from "./errors.js";
import type { LabelledInputs } from "./plugins/types.js";

/** `--task`: `auto` is binary for two classes, multiclass otherwise. */
export type TaskChoice = "auto" | "binary" | "multiclass";

/**
 * The task for a set of class names, and the labels re-indexed into it:
 * for a binary task `labels[1]` is the positive class (`--positive`, or the
 * second class name in sorted order).
 */
export function taskFor(
  data: LabelledInputs,
  choice: TaskChoice,
  positive?: string,
): { task: Task; labels: number[] } {
  const names = data.classNames;
  if (names.length < 2) {
    throw new DataError(
      `found ${names.length} class (${names.join(", ")}); a task needs at least two.`,
      {
        fix: "add a sub-folder (or manifest label) per class, each with examples",
      },
    );
  }
  if (positive !== undefined && !names.includes(positive)) {
    throw new UsageError(
      `--positive "${positive}" is not a class of the data (${names.join(", ")}).`,
    );
  }
  const binary = choice === "binary" || (choice === "auto" && names.length === 2);
  if (!binary) {
    if (positive !== undefined)
      throw new UsageError("--positive only applies to a binary task (two classes).");
    return { task: { kind: "multiclass", labels: names }, labels: data.labels };
  }
  if (names.length !== 2)
    throw new UsageError(
      `--task binary needs exactly two classes, the data has ${names.length} (${names.join(", ")}).`,
    );
  const pos = positive ?? (names[1] as string);
  const neg = names.find((n) => n !== pos) as string;
  return {
    task: { kind: "binary", labels: [neg, pos] },
    labels: data.labels.map((i) => (names[i] === pos ? 1 : 0)),
  };
}

/** Maps data labelled by class name onto a saved model's labels; unknown classes are an error. */
export function labelsForTask(data: LabelledInputs, task: Task): number[] {
  const index = new Map(task.labels.map((l, i) => [l, i]));
  const unknown = data.classNames.filter((n) => !index.has(n));
  if (unknown.length > 0) {
    throw new DataError(
      `the data has classes the model does not know: ${unknown.join(", ")} (model: ${task.labels.join(", ")}).`,
      {
        fix: "name the class sub-folders (or manifest labels) like the model's labels",
      },
    );
  }
  return data.labels.map((i) => index.get(data.classNames[i] as string) as number);
}

/** Indices of the train / validation / test parts of a seeded, stratified split. */
export function splitIndices(
  labels: readonly number[],
  validation: number,
  test: number,
  seed: number,
) {
  return stratifiedSplit(labels, { validation, test, seed });
}

/** Picks `indices` out of a list. */
export function pick<T>(items: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i) => items[i] as T);
}

/** `{ cat: 12, dog: 9 }` */
export function classCounts(
  labels: readonly number[],
  names: readonly string[],
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const l of labels) counts[names[l] as string] = (counts[names[l] as string] ?? 0) + 1;
  return counts;
}
