import type { Backbone } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/**
 * A tiny test "backbone": one weightless layer on images `[height, width,
 * channels]` in [0, 1], giving features of `featureShape`.
 */
export function layerBackbone(
  name: string,
  [height, width, channels]: [number, number, number],
  layer: tf.layers.Layer,
  featureShape: number[],
): Backbone {
  const input = tf.input({ shape: [height, width, channels] });
  const output = layer.apply(input) as tf.SymbolicTensor;
  return {
    name,
    model: tf.model({ inputs: input, outputs: output }),
    inputSpec: { kind: "image", height, width, channels, normalization: "unit" },
    featureShape,
    provenance: {},
  } as Backbone;
}
