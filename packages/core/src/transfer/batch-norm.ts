import * as tf from "@tensorflow/tfjs";

import { range } from "../data/tensor-dataset.js";
import type { Dataset } from "../types.js";

type WithMomentum = tf.layers.Layer & { momentum: number };

function batchNormLayers(model: tf.LayersModel): WithMomentum[] {
  return model.layers.filter((l) => l.getClassName() === "BatchNormalization") as WithMomentum[];
}

/**
 * Sets the moving-average momentum of every BatchNormalization layer of
 * `model`. Keras' ImageNet settings (0.99–0.999) suit a million images; a
 * short run on a small dataset (a hundred steps) leaves the statistics used at
 * prediction time near their initial values, and such a network predicts one
 * class. A training setting: the architecture and saved format are unchanged.
 * @returns the number of layers changed
 */
export function setBatchNormMomentum(model: tf.LayersModel, momentum: number): number {
  const layers = batchNormLayers(model);
  for (const layer of layers) layer.momentum = momentum;
  return layers.length;
}

/**
 * Re-estimates the moving mean and variance of every trainable
 * BatchNormalization layer from `data` (training examples), leaving all
 * weights and every frozen layer untouched.
 *
 * After a short training run the weights move faster than the moving averages
 * follow, so inference uses statistics of an older network. One pass in
 * training mode, with each layer's momentum set so the average becomes the
 * plain mean over the batches, fixes that.
 * @returns the number of layers re-estimated
 */
export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  data: Dataset,
  { batchSize = 32 }: { batchSize?: number } = {},
): Promise<number> {
  const layers = batchNormLayers(model).filter((l) => l.trainable);
  if (layers.length === 0) return 0;
  const saved = layers.map((l) => l.momentum);
  try {
    for (let start = 0, k = 1; start < data.size; start += batchSize, k++) {
      const x = await data.batch(range(start, Math.min(start + batchSize, data.size)));
      // Momentum m keeps m of the old average: 1 - 1/k makes k updates a running mean.
      for (const layer of layers) layer.momentum = 1 - 1 / k;
      tf.tidy(() => {
        model.apply(x, { training: true });
      });
      x.dispose();
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = saved[i] ?? 0.99));
  }
  return layers.length;
}

/**
 * Copies the weights of every layer of `source` into the layer of `target`
 * with the same name (kernels, biases, BN statistics). Fully convolutional
 * networks keep their weights across input sizes, so this rebuilds a trained
 * backbone at another resolution.
 * @throws Error naming the first weighted layer of `target` with no match of the same shapes
 * @returns the number of layers copied
 */
export function copyWeightsByName(source: tf.LayersModel, target: tf.LayersModel): number {
  const byName = new Map(source.layers.map((layer) => [layer.name, layer]));
  const shapes = (ws: readonly tf.Tensor[] | undefined) => ws?.map((w) => `[${w.shape.join(",")}]`).join(" ");
  let copied = 0;
  for (const layer of target.layers) {
    if (layer.weights.length === 0) continue;
    const weights = byName.get(layer.name)?.getWeights();
    const mine = layer.getWeights();
    if (!weights || shapes(weights) !== shapes(mine)) {
      throw new Error(`copyWeightsByName: layer "${layer.name}" (${shapes(mine)}) has no match in "${source.name}" (${shapes(weights) ?? "missing"}).`);
    }
    layer.setWeights(weights);
    copied++;
  }
  return copied;
}
