import type { Task } from "../types.js";

/** Units and activation of the output layer a task needs. */
export function outputLayerFor(task: Task): { units: number; activation: "softmax" | "sigmoid" } {
  switch (task.kind) {
    case "multiclass":
      return { units: task.labels.length, activation: "softmax" };
    case "binary":
      return { units: 1, activation: "sigmoid" };
    case "multilabel":
      return { units: task.labels.length, activation: "sigmoid" };
  }
}
