import type * as tf from "@tensorflow/tfjs";

const patched = new WeakSet<tf.layers.Layer>();
const statisticsFrozen = new WeakSet<tf.layers.Layer>();

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
      original(
        inputs,
        (layer.trainable && !statisticsFrozen.has(layer)) || !kwargs["training"] ? kwargs : { ...kwargs, training: false },
      );
    patched.add(layer);
  }
}

/**
 * Runs every BatchNormalization layer of `layers` with its moving statistics
 * (inference mode) during training while `frozen` is true: unfrozen BN layers
 * still learn their scale and offset, but neither normalise with batch
 * statistics nor update the moving averages. The usual choice when
 * fine-tuning on little data or with small micro-batches. Layers must have
 * been passed to {@link runFrozenLayersInInferenceMode}.
 * @returns the number of BatchNormalization layers
 */
export function freezeBatchNormStatistics(layers: readonly tf.layers.Layer[], frozen: boolean): number {
  const bn = layers.filter((l) => l.getClassName() === "BatchNormalization");
  for (const layer of bn) {
    if (frozen) statisticsFrozen.add(layer);
    else statisticsFrozen.delete(layer);
  }
  return bn.length;
}
