import * as tf from "@tensorflow/tfjs";

import type { Task } from "../types.js";

const EPSILON = 1e-7;

/**
 * Per-example loss of probabilities `p` against targets `y`: categorical
 * cross-entropy for softmax outputs, binary cross-entropy (mean over labels)
 * for sigmoid outputs. Shape `[n]`.
 */
export function perExampleLoss(task: Task, p: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
    if (task.kind === "multiclass")
      return tf.neg(tf.sum(tf.mul(y, tf.log(clipped)), -1)) as tf.Tensor1D;
    const bce = tf.add(
      tf.mul(y, tf.log(clipped)),
      tf.mul(tf.sub(1, y), tf.log(tf.sub(1, clipped))),
    );
    return tf.neg(tf.mean(bce, -1)) as tf.Tensor1D;
  });
}

/** Mean loss, each example weighted by its class weight when given. */
export function weightedLoss(
  task: Task,
  p: tf.Tensor,
  y: tf.Tensor,
  classWeights: readonly number[] | undefined,
): tf.Scalar {
  return tf.tidy(() => {
    const losses = perExampleLoss(task, p, y);
    if (!classWeights || task.kind === "multilabel") return tf.mean(losses) as tf.Scalar;
    const cls = task.kind === "binary" ? tf.cast(tf.squeeze(y, [1]), "int32") : tf.argMax(y, -1);
    const w = tf.gather(tf.tensor1d([...classWeights]), cls);
    return tf.mean(tf.mul(losses, w)) as tf.Scalar;
  });
}

/** Number of correct predictions in a batch (per label for multilabel). */
export function countCorrect(task: Task, p: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (task.kind === "multiclass")
      return tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), "float32"));
    return tf.sum(
      tf.cast(tf.equal(tf.greaterEqual(p, 0.5), tf.greaterEqual(y, 0.5)), "float32"),
    ) as tf.Scalar;
  });
}
