import { copyWeightsByName } from "@graft/core";
import type { Backbone, ImageInputSpec } from "@graft/core";
import type { LayersModel } from "@tensorflow/tfjs";

import { mobileNetV2 } from "./mobilenet-v2.js";

/** Options of {@link resizeMobileNetV2}. */
export interface ResizeMobileNetV2Options {
  /** Width multiplier the trained network was built with. */
  alpha: number;
  /** New square input side in pixels. */
  inputSize: number;
}

/**
 * Rebuilds a trained MobileNetV2 model (Keras layer names) at another input
 * size with the same weights: the network is fully convolutional, so weights
 * learnt at one size serve any other. `model` is disposed.
 */
export function mobileNetV2ModelAtSize(
  model: LayersModel,
  {
    alpha,
    inputSize,
    channels,
    pooling,
  }: ResizeMobileNetV2Options & { channels: 1 | 3; pooling: "avg" | "none" },
): LayersModel {
  const rebuilt = mobileNetV2({ alpha, inputSize, channels, pooling }).model;
  copyWeightsByName(model, rebuilt);
  model.dispose();
  return rebuilt;
}

/**
 * A trained MobileNetV2 backbone (cut at `out_relu` + average pooling, e.g.
 * from `loadBackbone`) rebuilt at another input size, provenance kept. The
 * source backbone is disposed.
 */
export function resizeMobileNetV2(
  trained: Backbone,
  { alpha, inputSize }: ResizeMobileNetV2Options,
): Backbone {
  const spec = trained.inputSpec as ImageInputSpec;
  const channels = spec.channels === 1 ? 1 : 3;
  const model = mobileNetV2ModelAtSize(trained.model, {
    alpha,
    inputSize,
    channels,
    pooling: "avg",
  });
  return {
    name: trained.name,
    model,
    inputSpec: { ...spec, height: inputSize, width: inputSize },
    featureShape: [...trained.featureShape],
    provenance: {
      ...trained.provenance,
      source: `${trained.provenance.source ?? trained.name}, rebuilt at ${inputSize}×${inputSize}`,
    },
  };
}
