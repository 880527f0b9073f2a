import { copyWeightsByName } from "@graft/core";
import type { Backbone, ImageInputSpec } from "@graft/core";
import { mobileNetV2 } from "@graft/vision";

/** Options of {@link resizedMobileNetV2}. */
export interface ResizedMobileNetV2Options {
  /** A MobileNetV2 backbone (Keras layer names) with trained weights, at any input size. */
  trained: Backbone;
  alpha: number;
  channels: 1 | 3;
  /** New square input side in pixels. */
  inputSize: number;
}

/**
 * Rebuilds a trained MobileNetV2 backbone (cut at `out_relu` + average pooling)
 * for another input size, with the same weights; the source backbone is disposed.
 */
export function resizedMobileNetV2({
  trained,
  alpha,
  channels,
  inputSize,
}: ResizedMobileNetV2Options): Backbone {
  const fresh = mobileNetV2({ alpha, inputSize, channels, pooling: "avg" });
  copyWeightsByName(trained.model, fresh.model);
  const spec = trained.inputSpec as ImageInputSpec;
  const inputSpec: ImageInputSpec = { ...spec, height: inputSize, width: inputSize };
  trained.model.dispose();
  return {
    name: trained.name,
    model: fresh.model,
    inputSpec,
    featureShape: fresh.featureShape,
    provenance: {
      ...trained.provenance,
      source: `${trained.provenance.source ?? trained.name}, rebuilt at ${inputSize}×${inputSize}`,
    },
  };
}
