import * as tf from "@tensorflow/tfjs";

import { range } from "../data/tensor-dataset.js";
import { TrainingError } from "../errors.js";
import type { Dataset, Task } from "../types.js";
import { accumulatedStep } from "./accumulate.js";
import { countCorrect, weightedLoss } from "./loss.js";
import type { FitOptions } from "./options.js";
import type { ParamGroup } from "./param-groups.js";
import { targetsFor } from "./targets.js";

/** One epoch's work, as `fit` hands it over. */
export interface EpochRun {
  readonly runner: tf.LayersModel;
  readonly groups: readonly ParamGroup[];
  readonly task: Task;
  readonly data: Dataset;
  readonly order: readonly number[];
  readonly batchSize: number;
  readonly classWeights: readonly number[] | undefined;
  readonly augment: FitOptions["augment"];
  readonly signal: AbortSignal | undefined;
  /** Called after each batch with its 1-based index and the running mean loss. */
  readonly onBatch: (batch: number, loss: number) => void;
  /** Phase and epoch in words, for the NaN message. */
  readonly where: string;
  readonly learningRate: number;
  /** Examples per forward/backward pass (gradients accumulate over a batch's passes). */
  readonly microBatchSize: number;
}

/** One pass over `order` in batches; the loss summed over examples and the correct count, or "aborted". */
export async function runEpoch(
  run: EpochRun,
): Promise<{ lossSum: number; correct: number } | "aborted"> {
  const { data, order, batchSize } = run;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0, b = 1; start < order.length; start += batchSize, b++) {
    if (run.signal?.aborted) return "aborted";
    const ids = order.slice(start, start + batchSize);
    const x = await data.batch(ids);
    const y = targetsFor(run.task, data.labels, ids);
    const [loss, right] = accumulatedStep(run, x, y);
    tf.dispose([x, y]);
    const both = tf.stack([loss, right]);
    const [lossValue = NaN, rightValue = 0] = await both.data();
    tf.dispose([loss, right, both]);
    if (!Number.isFinite(lossValue))
      throw nonFiniteLoss(`${run.where}, batch ${b}`, run.learningRate);
    lossSum += lossValue * ids.length;
    correct += rightValue;
    run.onBatch(b, lossSum / (start + ids.length));
    // Let timers, signals and I/O run between batches (Ctrl-C, progress redraws).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { lossSum, correct };
}

/** Loss and accuracy of `runner` on `data`, in inference mode. */
export async function validate(
  runner: tf.LayersModel,
  task: Task,
  data: Dataset,
  batchSize: number,
  classWeights: readonly number[] | undefined,
): Promise<Record<string, number>> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.size; start += batchSize) {
    const ids = range(start, Math.min(start + batchSize, data.size));
    const x = await data.batch(ids);
    const y = targetsFor(task, data.labels, ids);
    const [loss, right] = tf.tidy(() => {
      const p = runner.predict(x) as tf.Tensor;
      return [weightedLoss(task, p, y, classWeights), countCorrect(task, p, y)];
    });
    lossSum += ((await loss.data())[0] ?? NaN) * ids.length;
    correct += (await right.data())[0] ?? 0;
    tf.dispose([x, y, loss, right]);
  }
  const perExample = task.kind === "multilabel" ? task.labels.length : 1;
  return { val_loss: lossSum / data.size, val_accuracy: correct / (data.size * perExample) };
}

function nonFiniteLoss(where: string, lr: number): TrainingError {
  return new TrainingError(`The loss became NaN or infinite (${where}).`, {
    fix: `lower the learning rate (now ${lr}), or check the inputs for NaN/Inf values and unnormalised pixel or sample ranges`,
  });
}
