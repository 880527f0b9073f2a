import { createRng, crossValidateWith, type CrossValidation, type Task } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { spatialMilHead, type SpatialMilHeadOptions } from "../heads/spatial-mil-head.js";

/** Options of {@link crossValidateMilHead}. */
export interface MilCrossValidationOptions {
  /** @default 5 */
  folds?: number;
  /** Seed of the folds, the head's initialisation and the batch order. @default 0 */
  seed?: number;
  /** The head trained on each fold. @default spatialMilHead's defaults (lse pooling) */
  head?: SpatialMilHeadOptions;
  /** @default 30 */
  epochs?: number;
  /** @default 16 */
  batchSize?: number;
  /** Adam's rate. @default 3e-3 */
  learningRate?: number;
}

/**
 * k-fold cross-validation of a spatial MIL head on cached, unpooled maps
 * (`[n, height, width, channels]`): for each fold a fresh head trains on the
 * other folds' maps and scores the held-out ones. The folds are core's
 * `stratifiedFolds`, so with the same seed they match the pooled probes' of
 * the cut-point explorer and the two can be ranked together.
 */
export async function crossValidateMilHead(
  maps: tf.Tensor4D,
  labels: readonly number[],
  {
    folds = 5,
    seed = 0,
    head = {},
    epochs = 30,
    batchSize = 16,
    learningRate = 3e-3,
  }: MilCrossValidationOptions = {},
): Promise<CrossValidation> {
  const k = Math.max(2, ...labels.map((l) => l + 1));
  const task: Task =
    k === 2
      ? { kind: "binary", labels: ["0", "1"] }
      : { kind: "multiclass", labels: Array.from({ length: k }, (_, c) => String(c)) };
  return crossValidateWith(labels, { folds, seed }, async (train, test) => {
    const model = milModel(maps.shape.slice(1), task, head, seed);
    try {
      await fitShuffled(model, maps, train, labels, { k, epochs, batchSize, learningRate, seed });
      const probs = tf.tidy(() => {
        const p = model.predict(tf.gather(maps, test)) as tf.Tensor2D;
        return k === 2 ? tf.concat([tf.sub(1, p), p], 1) : p;
      });
      const values = (await probs.data()) as Float32Array;
      probs.dispose();
      return values;
    } finally {
      // model.dispose() frees the layers' weights, not an optimizer it was handed.
      model.optimizer?.dispose();
      model.dispose();
    }
  });
}

/** The head alone, on an input the shape of one map. */
function milModel(
  shape: readonly number[],
  task: Task,
  options: SpatialMilHeadOptions,
  seed: number,
): tf.LayersModel {
  const { layers } = spatialMilHead(options)({
    featureShape: shape,
    task,
    takenNames: new Set(),
    seed,
  });
  const input = tf.input({ shape: [...shape] });
  const output = layers.reduce<tf.SymbolicTensor>(
    (x, layer) => layer.apply(x) as tf.SymbolicTensor,
    input,
  );
  return tf.model({ inputs: input, outputs: output });
}

/** Trains on `indices` for `epochs`, in batches drawn in a seeded order (model.fit shuffles with Math.random). */
async function fitShuffled(
  model: tf.LayersModel,
  maps: tf.Tensor4D,
  indices: readonly number[],
  labels: readonly number[],
  o: { k: number; epochs: number; batchSize: number; learningRate: number; seed: number },
): Promise<void> {
  model.compile({
    optimizer: tf.train.adam(o.learningRate),
    loss: o.k === 2 ? "binaryCrossentropy" : "categoricalCrossentropy",
  });
  const rng = createRng(o.seed + 1);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = rng.shuffle([...indices]);
    for (let start = 0; start < order.length; start += o.batchSize) {
      const batch = order.slice(start, start + o.batchSize);
      const ys = batch.map((i) => labels[i] as number);
      const [x, y] = tf.tidy(() => [
        tf.gather(maps, batch),
        o.k === 2 ? tf.tensor2d(ys, [ys.length, 1]) : tf.oneHot(ys, o.k).toFloat(),
      ]);
      await model.trainOnBatch(x as tf.Tensor, y as tf.Tensor);
      tf.dispose([x, y]);
    }
  }
}
