import { ConfigError, cutBackbone, releaseUnusedLayers } from "@graft/core";
import type { Backbone, ImageInputSpec, Pooling } from "@graft/core";
import type { LayersModel } from "@tensorflow/tfjs";

import { mobileNetV2ModelAtSize } from "./resize-mobilenet-v2.js";
import { NSFWJS_VERSION, loadNsfwjsMobileNetV2 } from "./nsfwjs-model.js";

/** Options of {@link pretrainedMobileNetV2}. */
export interface PretrainedMobileNetV2Options {
  /**
   * Last layer kept, by Keras name: `out_relu` (7×7×1280), or an earlier one such as `block_13_expand_relu`.
   * @default "out_relu"
   */
  cutAt?: string;
  /**
   * Global pooling after the cut: `avg` turns `out_relu` into 1280 features.
   * @default "avg"
   */
  pooling?: Pooling;
  /**
   * Square input side in pixels. The network is fully convolutional: at
   * another size it is rebuilt with the same weights (smaller is faster, and
   * features get coarser).
   * @default 224
   */
  inputSize?: number;
}

/** What the pre-trained weights are, in plain words (stored as provenance). */
export const PRETRAINED_MOBILENET_V2_TASK =
  "ImageNet classification (1.28 M natural images, 1000 classes) to initialise, then fine-tuned by the nsfwjs authors on 5 content classes (drawing, hentai, neutral, porn, sexy)";

/**
 * The real pre-trained Keras MobileNetV2 (alpha 1, 224×224 RGB in [0, 1])
 * bundled in the npm package nsfwjs@4.3.0 (MIT), loaded from node_modules
 * with no network access and cut at `cutAt` (+ pooling). Its weights were
 * initialised from ImageNet and then fine-tuned on nsfwjs' 5 content classes,
 * so they are not the plain ImageNet weights.
 */
export async function pretrainedMobileNetV2({
  cutAt = "out_relu",
  pooling = "avg",
  inputSize = 224,
}: PretrainedMobileNetV2Options = {}): Promise<Backbone> {
  const full = await pretrainedMobileNetV2Model({ inputSize });
  const layer = full.layers.find((l) => l.name === cutAt);
  if (!layer) {
    const names = full.layers.map((l) => l.name);
    full.dispose();
    throw new ConfigError(`pretrainedMobileNetV2: no layer named "${cutAt}".`, {
      fix: `pick one of: ${names.filter((n) => /relu|add|project_BN/.test(n)).join(", ")}`,
    });
  }
  const inputSpec: ImageInputSpec = {
    kind: "image",
    height: inputSize,
    width: inputSize,
    channels: 3,
    normalization: "unit",
  };
  const backbone = cutBackbone(full, {
    at: cutAt,
    pooling,
    name: "vision:pretrained-mobilenet-v2",
    inputSpec,
    provenance: {
      task: PRETRAINED_MOBILENET_V2_TASK,
      examples: 1_281_167,
      source: `nsfwjs@${NSFWJS_VERSION} dist/models/mobilenet_v2 (Keras MobileNetV2, alpha 1, trained at 224×224${inputSize === 224 ? "" : `, rebuilt at ${inputSize}×${inputSize}`})`,
      license: "MIT",
    },
  });
  // The cut shares its layers with `full`; free the weights of the layers it dropped (the 5-class top).
  releaseUnusedLayers(full, backbone);
  return backbone;
}

/**
 * The whole pre-trained network (up to its 5-class output) at `inputSize`,
 * every layer trainable: what {@link pretrainedMobileNetV2} cuts, and what the
 * cut explorer reads several layers of at once. The caller disposes it.
 */
export async function pretrainedMobileNetV2Model({
  inputSize = 224,
}: Pick<PretrainedMobileNetV2Options, "inputSize"> = {}): Promise<LayersModel> {
  const full = atSize(await loadNsfwjsMobileNetV2(), inputSize);
  // The bundle marks its early layers trainable: false; freezing is the transfer policy's call, not the loader's.
  for (const l of full.layers) l.trainable = true;
  return full;
}

/** The bundled model at another input size: graft's MobileNetV2 (same layer names) with its weights. */
function atSize(bundled: LayersModel, inputSize: number): LayersModel {
  if (inputSize === 224) return bundled;
  return mobileNetV2ModelAtSize(bundled, { alpha: 1, inputSize, channels: 3, pooling: "none" });
}
