import * as tf from "@tensorflow/tfjs";

/**
 * The sum of the weight penalties (`kernelRegularizer`, `biasRegularizer`,
 * …) of every trainable layer of `model`, nested models included, or `null`
 * when none has one. tfjs's `model.fit` adds these to the loss; graft's own
 * training loop must do the same, or a head built with an L2 penalty would
 * silently train without it. Frozen layers are left out: their weights do
 * not move, so their penalty is a constant.
 */
export function regularizationLoss(model: tf.LayersModel): tf.Scalar | null {
  const penalties: (() => tf.Scalar)[] = [];
  collect(model, penalties);
  if (penalties.length === 0) return null;
  return tf.tidy(() => tf.addN(penalties.map((penalty) => penalty())) as tf.Scalar);
}

function collect(container: tf.LayersModel, into: (() => tf.Scalar)[]): void {
  for (const layer of container.layers) {
    if (!layer.trainable) continue;
    if (layer instanceof tf.LayersModel) collect(layer, into);
    else into.push(...(layer.losses as (() => tf.Scalar)[]));
  }
}
