import type * as tf from "@tensorflow/tfjs";

/** Which layers {@link gradCamLayer} may pick. */
export interface GradCamLayerOptions {
  /** Smallest side of the feature map, in cells: coarser maps cannot point at small findings. Default 1. */
  readonly minSide?: number;
  /** Only layers whose name matches, e.g. `/relu$/` for MobileNetV2's activations. */
  readonly namePattern?: RegExp;
}

/**
 * The layer Grad-CAM should look at: the last one with a `[h, w, c]` output
 * (of at least `minSide` cells a side). Layers applied more than once are
 * skipped: a transfer model's head layers are shared with its feature model,
 * so their output is ambiguous, and they are never spatial anyway. Undefined
 * when the model has no spatial feature map.
 */
export function gradCamLayer(
  model: tf.LayersModel,
  { minSide = 1, namePattern }: GradCamLayerOptions = {},
): string | undefined {
  for (const layer of [...model.layers].reverse()) {
    if (layer.inboundNodes.length !== 1 || Array.isArray(layer.output)) continue;
    if (namePattern && !namePattern.test(layer.name)) continue;
    const shape = layer.output.shape;
    if (shape.length === 4 && Math.min(shape[1] ?? 0, shape[2] ?? 0) >= minSide) return layer.name;
  }
  return undefined;
}
