import type * as tf from "@tensorflow/tfjs";

const patched = new WeakSet<tf.layers.Layer>();

/**
 * Makes frozen layers run in inference mode even inside a training step.
 *
 * tfjs-layers passes `training: true` to every layer of a model, and its
 * BatchNormalization ignores `trainable`: "frozen" BN layers would keep
 * normalising with batch statistics and drifting their moving averages.
 * Keras 2 semantics are the useful ones for transfer learning: a layer with
 * `trainable = false` behaves as at inference (BN uses and keeps its moving
 * statistics, dropout is off). The patch reads `trainable` at call time, so
 * unfreezing a layer later restores training behaviour.
 */
export function runFrozenLayersInInferenceMode(layers: readonly tf.layers.Layer[]): void {
  for (const layer of layers) {
    if (patched.has(layer)) continue;
    const original = layer.call.bind(layer);
    layer.call = (inputs, kwargs) =>
      original(inputs, layer.trainable || !kwargs["training"] ? kwargs : { ...kwargs, training: false });
    patched.add(layer);
  }
}
