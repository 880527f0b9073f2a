import type { Backbone, Pooling } from "@graft/core";
import { pretrainedMobileNetV2 } from "@graft/vision";

/**
 * Task A, route 1: the real pre-trained MobileNetV2 (alpha 1) bundled in
 * nsfwjs@4.3.0, initialised from ImageNet (≈ 1.28 M natural images, cats
 * among them) and then fine-tuned by the nsfwjs authors on 5 content classes.
 * Cut where the explorer recommends (`cutAt` + `pooling`) and rebuilt at `size`.
 */
export async function imagenetBackbone(
  size: number,
  cutAt: string,
  pooling: Pooling,
): Promise<Backbone> {
  return pretrainedMobileNetV2({ cutAt, pooling, inputSize: size });
}
