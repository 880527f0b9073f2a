import * as tf from "@tensorflow/tfjs";

import { DataError } from "../errors.js";

/** Options of {@link trainSoftmaxProbe}. */
export interface SoftmaxProbeOptions {
  /** Number of classes; labels are integers in [0, classes). @default max(labels) + 1, at least 2 */
  classes?: number;
  /** Full-batch Adam steps. @default 150 */
  steps?: number;
  /** @default 0.05 */
  learningRate?: number;
  /** L2 penalty on the weights (features are standardised first, so one value suits most inputs). @default 1e-3 */
  l2?: number;
  /** Seed of the weight initialisation. @default 0 */
  seed?: number;
}

/** A trained linear softmax head on standardised features. Call `dispose()` when done. */
export interface SoftmaxProbe {
  readonly classes: number;
  /** Class probabilities `[n, classes]` for features `[n, d]`. The caller owns the tensor. */
  predict(features: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/**
 * Trains a logistic (softmax) regression on cached features `[n, d]`:
 * features are standardised with the training rows' mean and spread, then a
 * `d × classes` layer is fitted by full-batch Adam with an L2 penalty. With a
 * hundred examples this takes a fraction of a second, so it can be run once
 * per fold and per candidate feature set.
 */
export function trainSoftmaxProbe(
  features: tf.Tensor2D,
  labels: readonly number[],
  { classes, steps = 150, learningRate = 0.05, l2 = 1e-3, seed = 0 }: SoftmaxProbeOptions = {},
): SoftmaxProbe {
  const [n, d] = features.shape;
  if (n !== labels.length || n === 0) {
    throw new DataError(
      `trainSoftmaxProbe: expected one label per feature row (${n} rows), got ${labels.length} labels.`,
    );
  }
  const k = classes ?? Math.max(2, ...labels.map((l) => l + 1));
  const [mean, scale] = tf.tidy(() => {
    const moments = tf.moments(features, 0);
    return [moments.mean, tf.sqrt(moments.variance).add(1e-6)] as const;
  });
  // Initial values made inside tidy, so only the variables outlive this line.
  const weights = tf.tidy(() =>
    tf.variable(tf.randomNormal([d, k], 0, 0.01, "float32", seed), true),
  );
  const bias = tf.tidy(() => tf.variable(tf.zeros([k]), true));
  const optimizer = tf.train.adam(learningRate);
  const standardise = (x: tf.Tensor2D): tf.Tensor2D => x.sub(mean).div(scale);
  try {
    tf.tidy(() => {
      const x = standardise(features);
      const y = tf.oneHot(tf.tensor1d([...labels], "int32"), k).toFloat();
      for (let step = 0; step < steps; step++) {
        const cost = optimizer.minimize(
          () =>
            tf.losses
              .softmaxCrossEntropy(y, x.matMul(weights).add(bias))
              .add(weights.square().sum().mul(l2)) as tf.Scalar,
          false,
          [weights, bias],
        );
        cost?.dispose();
      }
    });
  } finally {
    optimizer.dispose();
  }
  return {
    classes: k,
    predict: (x) =>
      tf.tidy(() => tf.softmax(standardise(x).matMul(weights).add(bias)) as tf.Tensor2D),
    dispose: () => {
      for (const t of [mean, scale, weights, bias]) t.dispose();
    },
  };
}
