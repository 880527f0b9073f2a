import * as tf from "@tensorflow/tfjs";

import type { Task } from "../types.js";
import { countCorrect, weightedLoss } from "./loss.js";
import type { FitOptions } from "./options.js";
import { applyGroupGradients, type ParamGroup } from "./param-groups.js";
import { regularizationLoss } from "./regularization.js";

/** One update's inputs, as the epoch loop hands them over. */
export interface StepInput {
  readonly runner: tf.LayersModel;
  readonly groups: readonly ParamGroup[];
  readonly task: Task;
  readonly classWeights: readonly number[] | undefined;
  readonly augment: FitOptions["augment"];
  /** Examples per forward/backward pass; the batch is split into passes of this size. */
  readonly microBatchSize: number;
}

/**
 * One optimiser update on the batch `x`, `y`, run as forward/backward passes
 * over micro-batches of `microBatchSize` examples whose gradients are summed,
 * each weighted by its share of the batch: the mean loss over the batch is the
 * size-weighted mean of the micro-batch means, so the update equals one pass
 * over the whole batch (up to float rounding) while only one micro-batch's
 * activations are alive at a time.
 *
 * BatchNormalization layers that train normalise with the statistics of each
 * micro-batch, not of the whole batch, and update their moving averages once
 * per micro-batch; `freezeBatchNorm` avoids both.
 *
 * The loss includes the weight penalties of trainable layers that declare a
 * regularizer (as tfjs's own `fit` does).
 *
 * Returns the batch's mean loss (NaN if any output was not finite) and its
 * correct count; the caller owns both.
 */
export function accumulatedStep(
  step: StepInput,
  x: tf.Tensor,
  y: tf.Tensor,
): [tf.Scalar, tf.Scalar] {
  const n = x.shape[0] ?? 0;
  const size = Math.max(1, Math.min(step.microBatchSize, n));
  const variables = step.groups.flatMap((g) => g.variables);
  let sum: tf.NamedTensorMap = {};
  let loss = tf.scalar(0);
  let right = tf.scalar(0);
  try {
    for (let start = 0; start < n; start += size) {
      const k = Math.min(size, n - start);
      const share = k / n;
      const next = tf.tidy(() => {
        const xs = k === n ? x : tf.slice(x, start, k);
        const ys = k === n ? y : tf.slice(y, start, k);
        const pass = microPass(step, variables, xs, ys);
        const grads: tf.NamedTensorMap = {};
        for (const [name, g] of Object.entries(pass.grads)) {
          const scaled = share === 1 ? g : tf.mul(g, share);
          const before = sum[name];
          grads[name] = before ? tf.add(before, scaled) : scaled;
        }
        return {
          grads,
          loss: tf.add(loss, tf.mul(pass.loss, share)) as tf.Scalar,
          right: tf.add(right, pass.right) as tf.Scalar,
        };
      });
      tf.dispose([...Object.values(sum), loss, right]);
      sum = next.grads;
      loss = next.loss;
      right = next.right;
    }
    applyGroupGradients(step.groups, sum);
  } catch (error) {
    tf.dispose([loss, right]);
    throw error;
  } finally {
    tf.dispose(Object.values(sum));
  }
  return [loss, right];
}

/** Forward and backward on one micro-batch: mean loss (NaN-poisoned), correct count, gradients. */
function microPass(
  step: StepInput,
  variables: tf.Variable[],
  x: tf.Tensor,
  y: tf.Tensor,
): { loss: tf.Scalar; right: tf.Scalar; grads: tf.NamedTensorMap } {
  const input = step.augment ? step.augment(x) : x;
  let probs: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const p = step.runner.apply(input, { training: true }) as tf.Tensor;
    probs = tf.keep(p);
    const data = weightedLoss(step.task, p, y, step.classWeights);
    // Each micro-batch's gradients are weighted by its share of the batch, so
    // the penalty added here counts once per update in total.
    const penalty = regularizationLoss(step.runner);
    return penalty ? tf.add(data, penalty) : data;
  }, variables);
  const p = probs as tf.Tensor;
  // Clipping inside the loss hides NaN outputs; poison the loss so they are caught.
  const finite = tf.all(tf.isFinite(p));
  const loss = tf.where(finite, value, tf.scalar(Number.NaN)) as tf.Scalar;
  const right = countCorrect(step.task, p, y);
  p.dispose();
  return { loss, right, grads };
}
