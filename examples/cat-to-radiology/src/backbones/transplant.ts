import type * as tf from "@tensorflow/tfjs";

/**
 * Copies every weight (kernels, biases, batch-norm statistics) from `source`
 * into the layers of `target` that have the same name. MobileNetV2 is fully
 * convolutional, so weights learnt at one input size serve any other: this is
 * how a 224-pixel (or 32-pixel) backbone is rebuilt at the size task B trains at.
 * Throws if a weighted layer of `target` has no match of the same shapes.
 */
export function transplantWeights(source: tf.LayersModel, target: tf.LayersModel): number {
  const byName = new Map(source.layers.map((layer) => [layer.name, layer]));
  let copied = 0;
  for (const layer of target.layers) {
    if (layer.weights.length === 0) continue;
    const from = byName.get(layer.name);
    const weights = from?.getWeights();
    const shapes = (ws: readonly tf.Tensor[] | undefined) =>
      ws?.map((w) => `[${w.shape.join(",")}]`).join(" ");
    if (!from || !weights || shapes(weights) !== shapes(layer.getWeights())) {
      throw new Error(
        `transplantWeights: layer "${layer.name}" (${shapes(layer.getWeights())}) has no match in ${source.name} (${shapes(weights) ?? "missing"}).`,
      );
    }
    layer.setWeights(weights);
    copied++;
  }
  return copied;
}
