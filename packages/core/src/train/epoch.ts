import * as tf from "@tensorflow/tfjs";

import { range } from "../data/tensor-dataset.js";
import { TrainingError } from "../errors.js";
import type { Dataset, Task } from "../types.js";
import { countCorrect, weightedLoss } from "./loss.js";
import type { FitOptions } from "./options.js";
import { applyStep, type ParamGroup } from "./param-groups.js";
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
    const [loss, right] = trainBatch(
      run.runner,
      run.groups,
      run.task,
      x,
      y,
      run.classWeights,
      run.augment,
    );
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

function trainBatch(
  runner: tf.LayersModel,
  groups: readonly ParamGroup[],
  task: Task,
  x: tf.Tensor,
  y: tf.Tensor,
  classWeights: readonly number[] | undefined,
  augment: FitOptions["augment"],
): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    const input = augment ? augment(x) : x;
    let probs: tf.Tensor | undefined;
    const loss = applyStep(groups, () => {
      const p = runner.apply(input, { training: true }) as tf.Tensor;
      probs = tf.keep(p);
      return weightedLoss(task, p, y, classWeights);
    });
    const p = probs as tf.Tensor;
    // Clipping inside the loss hides NaN outputs; poison the loss so they are caught.
    const finite = tf.all(tf.isFinite(p));
    const checked = tf.where(finite, loss, tf.scalar(Number.NaN)) as tf.Scalar;
    const right = countCorrect(task, p, y);
    p.dispose();
    return [checked, right];
  });
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
