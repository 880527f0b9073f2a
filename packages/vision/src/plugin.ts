import { denseHead, outputHead } from "@graft/core";
import type { DomainPlugin } from "@graft/core";

import { mobileNetV2 } from "./backbones/mobilenet-v2.js";
import { pretrainedMobileNetV2 } from "./backbones/pretrained-mobilenet-v2.js";
import { smallCnn } from "./backbones/small-cnn.js";
import { spatialMilHead } from "./heads/spatial-mil-head.js";
import type { ImageSource } from "./image/decode-image.js";
import { restoreImagePreprocessor } from "./image/image-preprocessor.js";

/** The vision plugin's backbone factories, a static typed index. */
export interface VisionBackbones {
  readonly mobileNetV2: typeof mobileNetV2;
  readonly smallCnn: typeof smallCnn;
  readonly pretrainedMobileNetV2: typeof pretrainedMobileNetV2;
}

/**
 * Heads for image tasks: core's re-initialised output layer and multi-layer
 * dense heads, and a multiple-instance head on spatial feature maps.
 */
export interface VisionHeads {
  readonly outputHead: typeof outputHead;
  readonly denseHead: typeof denseHead;
  readonly spatialMilHead: typeof spatialMilHead;
}

/**
 * The image plugin value to pass to graft's core and CLI: it restores the
 * saved image preprocessor and offers the image backbones.
 */
export const vision: DomainPlugin<VisionBackbones, VisionHeads, ImageSource> = {
  name: "vision",
  packageName: "@graft/vision",
  inputKind: "image",
  restorePreprocessor: restoreImagePreprocessor,
  backbones: { mobileNetV2, smallCnn, pretrainedMobileNetV2 },
  heads: { outputHead, denseHead, spatialMilHead },
};
