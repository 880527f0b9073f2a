import type { Backbone } from "@graft/core";

/**
 * Sets the moving-average momentum of every batch-norm layer of a backbone.
 * Keras' MobileNetV2 uses 0.999: right for a million images, but a short run
 * (100 images × 15 epochs ≈ 100 steps) would leave the statistics used at test
 * time ~90% at their initial values, and the network would predict a
 * constant. A training setting, not a change of architecture.
 */
export function setBatchNormMomentum(backbone: Backbone, momentum: number): void {
  for (const layer of backbone.model.layers) {
    if (layer.getClassName() === "BatchNormalization") {
      (layer as unknown as { momentum: number }).momentum = momentum;
    }
  }
}
