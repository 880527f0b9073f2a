import * as tf from "@tensorflow/tfjs";

import { collectBatches } from "../data/tensor-dataset.js";
import type { Dataset } from "../types.js";
import { scoreProbabilities } from "./cross-validate.js";
import { trainSoftmaxProbe, type SoftmaxProbeOptions } from "./softmax-probe.js";

/** Largest raw-input vector {@link rawInputs} leaves; bigger inputs are average-pooled down. */
export const MAX_RAW_FEATURES = 4096;

/** Features of every example of `data` mapped by `map`, flattened to `[n, d]`. The caller disposes them. */
export async function featuresOf(
  data: Dataset,
  map: (x: tf.Tensor) => tf.Tensor,
): Promise<tf.Tensor2D> {
  const out = await collectBatches(data, 32, (x) => {
    const y = map(x);
    return y.reshape([y.shape[0] ?? -1, -1]);
  });
  return out as tf.Tensor2D;
}

/** Raw inputs, average-pooled until at most {@link MAX_RAW_FEATURES} values per example remain: a baseline. */
export function rawInputs(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    while (
      y.rank === 4 &&
      y.size / (y.shape[0] ?? 1) > MAX_RAW_FEATURES &&
      (y.shape[1] ?? 0) >= 2 &&
      (y.shape[2] ?? 0) >= 2
    ) {
      y = tf.avgPool(y as tf.Tensor4D, 2, 2, "valid");
    }
    return y;
  });
}

/** A model's architecture with fresh, randomly initialised weights: the "random backbone" baseline. */
export async function randomlyInitialised(model: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = model.toJSON(null, false) as tf.io.ModelJSON["modelTopology"];
  // modelFromJSON resolves asynchronously (it may fetch weights; here there are none).
  return tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
}

/**
 * Trains a softmax probe on `features[train]` and scores it on
 * `features[test]`: accuracy and macro AUC. The one transfer-vs-baselines
 * measurement: run it on a backbone's features and on baselines' (random
 * weights, raw inputs) with the same split.
 */
export function holdoutProbe(
  features: tf.Tensor2D,
  labels: readonly number[],
  train: readonly number[],
  test: readonly number[],
  options: SoftmaxProbeOptions = {},
): { accuracy: number; auc: number } {
  const k = options.classes ?? Math.max(2, ...labels.map((l) => l + 1));
  const xTrain = tf.gather(features, [...train]);
  const xTest = tf.gather(features, [...test]);
  const probe = trainSoftmaxProbe(
    xTrain,
    train.map((i) => labels[i] as number),
    { ...options, classes: k },
  );
  try {
    const probs = probe.predict(xTest);
    const values = probs.dataSync() as Float32Array;
    probs.dispose();
    return scoreProbabilities(
      values,
      test.map((i) => labels[i] as number),
      k,
    );
  } finally {
    probe.dispose();
    xTrain.dispose();
    xTest.dispose();
  }
}
