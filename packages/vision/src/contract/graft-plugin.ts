import { stat } from "node:fs/promises";

import { ConfigError } from "@graft/core";
import type { ImageInputSpec, Json, PluginContract, Preprocessor } from "@graft/core";

import { imageAugmenter } from "../augment/image-augmenter.js";
import { mobileNetV2 } from "../backbones/mobilenet-v2.js";
import {
  pretrainedMobileNetV2,
  pretrainedMobileNetV2Spec,
} from "../backbones/pretrained-mobilenet-v2.js";
import { smallCnn } from "../backbones/small-cnn.js";
import { MOBILENET_V2_CUTS } from "../explore/explore-cuts.js";
import { imageDataset } from "../data/image-dataset.js";
import { readImageFolder } from "../data/read-image-folder.js";
import { readImageManifest } from "../data/read-image-manifest.js";
import { IMAGE_EXTENSIONS } from "../image/decode-image.js";
import { restoreImagePreprocessor } from "../image/image-preprocessor.js";
import type { ImagePreprocessor } from "../image/image-preprocessor.js";
import { vision } from "../plugin.js";
import { gradCamGallery } from "./grad-cam-gallery.js";
import { MIL_HEAD_HINT, cliMilHead, milMapHead } from "./mil-head-spec.js";
import { imagePreprocessorFor } from "./preprocessor-for.js";

/** The augmentation `graft transfer --augment` applies to training images. */
const CLI_AUGMENTATION = { flip: true, rotate: 10, crop: 0.1, brightness: 0.1, contrast: 0.1 };

/** The vision plugin as tools drive it (the graft CLI imports this and nothing else of the package). */
export const graftPlugin: PluginContract = {
  plugin: vision,
  kind: "image",
  inputsInWords: "images",
  extensions: IMAGE_EXTENSIONS,
  async readLabelled(path) {
    const isFile = (await stat(path).catch(() => undefined))?.isFile() ?? false;
    return isFile ? readImageManifest(path) : readImageFolder(path);
  },
  restore: (config: Json) => restoreImagePreprocessor(config),
  preprocessorFor: imagePreprocessorFor,
  specFor: (p: Preprocessor) => p.spec,
  adapterFor(spec) {
    if (spec.kind !== "image") return "none";
    return `decode, resize (cover) to ${spec.height}×${spec.width}, ${spec.channels === 1 ? "convert to grayscale" : "replicate grayscale to 3 channels"}, scale ${spec.normalization}`;
  },
  async dataset(inputs, labels, preprocessor, { augment = false, seed = 42 } = {}) {
    const data = imageDataset({
      inputs,
      labels,
      preprocessor: preprocessor as ImagePreprocessor,
      ...(augment ? { augment: imageAugmenter({ ...CLI_AUGMENTATION, seed }) } : {}),
    });
    await data.warm();
    return data;
  },
  backboneNames: ["small-cnn", "mobilenet-v2"],
  freshBackbone(name, preprocessor, { alpha = 0.35, width, blocks = 3, seed = 1 }) {
    const spec = preprocessor.spec as ImageInputSpec;
    const channels = spec.channels === 1 ? 1 : 3;
    if (spec.height !== spec.width)
      throw new ConfigError(
        `vision backbones take square images, got ${spec.height}×${spec.width}.`,
        { fix: "pass --input-size <side>" },
      );
    if (name === "small-cnn") {
      const base = width ?? 16;
      const filters = Array.from({ length: blocks }, (_, i) => base * 2 ** i);
      return smallCnn({ inputSize: spec.height, channels, filters, seed });
    }
    if (name === "mobilenet-v2")
      return mobileNetV2({ alpha, inputSize: spec.height, channels, seed });
    throw new ConfigError(`unknown vision backbone "${name}".`, {
      fix: `use one of: ${this.backboneNames.join(", ")}`,
    });
  },
  head: cliMilHead,
  headHint: MIL_HEAD_HINT,
  mapHead: milMapHead,
  builtins: {
    "nsfwjs-mobilenetv2": {
      inputSpec: pretrainedMobileNetV2Spec(),
      // MobileNetV2 is fully convolutional: its weights fit any input side.
      resizable: true,
      build: (cut, pooling, { inputSize } = {}) =>
        pretrainedMobileNetV2({
          ...(cut === undefined
            ? {}
            : "at" in cut
              ? { cutAt: cut.at }
              : { dropLast: cut.dropLast }),
          pooling,
          ...(inputSize === undefined ? {} : { inputSize }),
        }),
    },
  },
  candidateCuts: (model) => {
    const names = new Set(model.layers.map((l) => l.name));
    return MOBILENET_V2_CUTS.every((c) => names.has(c)) ? MOBILENET_V2_CUTS : undefined;
  },
  async reportSections(predictor, { files, labels, limit }) {
    return [
      {
        id: "gradcam-section",
        title: "Grad-CAM gallery",
        body: await gradCamGallery(predictor, files, labels, limit),
      },
    ];
  },
};
