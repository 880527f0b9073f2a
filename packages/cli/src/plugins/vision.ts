import { stat } from "node:fs/promises";

import {
  cutBackbone,
  type ImageInputSpec,
  type InputSpec,
  type Json,
  type Preprocessor,
} from "@graft/core";
import {
  imageAugmenter,
  imageDataset,
  imagePreprocessor,
  loadNsfwjsMobileNetV2,
  mobileNetV2,
  pretrainedMobileNetV2,
  PRETRAINED_MOBILENET_V2_TASK,
  readImageFolder,
  readImageManifest,
  restoreImagePreprocessor,
  smallCnn,
  vision,
  type ImagePreprocessor,
} from "@graft/vision";

import { UsageError } from "../errors.js";
import type { CliPlugin, CutSpec } from "./types.js";

const NSFWJS_SPEC: ImageInputSpec = {
  kind: "image",
  height: 224,
  width: 224,
  channels: 3,
  normalization: "unit",
};

/** The vision plugin as the CLI uses it. */
export const visionCli: CliPlugin = {
  plugin: vision,
  kind: "image",
  extensions: [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".gif"],
  async readLabelled(path) {
    const isFile = (await stat(path).catch(() => undefined))?.isFile() ?? false;
    const images = isFile ? await readImageManifest(path) : await readImageFolder(path);
    return { inputs: images.files, labels: images.labels, classNames: images.classNames };
  },
  restore: (config: Json) => restoreImagePreprocessor(config),
  preprocessorFor(spec, options) {
    if (spec?.kind === "image") {
      return imagePreprocessor({
        height: spec.height,
        width: spec.width,
        channels: spec.channels === 1 ? 1 : 3,
        normalization: spec.normalization,
      });
    }
    if (spec?.kind === "tensor") {
      const [height, width, channels] = spec.shape;
      if (
        spec.shape.length !== 3 ||
        !(height && height > 0) ||
        !(width && width > 0) ||
        (channels !== 1 && channels !== 3)
      ) {
        throw new UsageError(
          `this model takes inputs of shape [${spec.shape.join(", ")}], not images [height, width, 1 or 3].`,
          "pass --plugin @graft/audio for feature inputs, or a model with an image input",
        );
      }
      return imagePreprocessor({
        height,
        width,
        channels,
        normalization: options.normalization ?? "unit",
      });
    }
    if (spec?.kind === "audio")
      throw new UsageError(
        "the backbone takes audio features, not images.",
        "pass --plugin @graft/audio",
      );
    const size = options.inputSize ?? 32;
    return imagePreprocessor({
      height: size,
      width: size,
      channels: options.channels ?? 3,
      normalization: options.normalization ?? "unit",
    });
  },
  specFor: (p: Preprocessor): InputSpec => p.spec,
  async dataset(inputs, labels, preprocessor, { augment = false, seed = 42 } = {}) {
    const data = imageDataset(inputs, labels, preprocessor as ImagePreprocessor, {
      ...(augment
        ? {
            augment: imageAugmenter({
              flip: true,
              rotate: 10,
              crop: 0.1,
              brightness: 0.1,
              contrast: 0.1,
              seed,
            }),
          }
        : {}),
    });
    await data.warm();
    return data;
  },
  backboneNames: ["small-cnn", "mobilenet-v2"],
  freshBackbone(name, preprocessor, { alpha = 0.35, width, blocks = 3, seed = 1 }) {
    const spec = preprocessor.spec as ImageInputSpec;
    const channels = spec.channels === 1 ? 1 : 3;
    if (spec.height !== spec.width)
      throw new UsageError(
        `vision backbones take square images, got ${spec.height}×${spec.width}.`,
      );
    if (name === "small-cnn") {
      const base = width ?? 16;
      const filters = Array.from({ length: blocks }, (_, i) => base * 2 ** i);
      return smallCnn({ inputSize: spec.height, channels, filters, seed });
    }
    if (name === "mobilenet-v2")
      return mobileNetV2({ alpha, inputSize: spec.height, channels, seed });
    throw new UsageError(
      `unknown vision backbone "${name}".`,
      `use one of: ${this.backboneNames.join(", ")}`,
    );
  },
  builtins: {
    "nsfwjs-mobilenetv2": async (cut: CutSpec, pooling) => {
      if (cut === undefined || "at" in cut)
        return pretrainedMobileNetV2({ cutAt: cut?.at ?? "out_relu", pooling });
      const full = await loadNsfwjsMobileNetV2();
      for (const l of full.layers) l.trainable = true;
      return cutBackbone(full, {
        dropLast: cut.dropLast,
        pooling,
        name: "vision:pretrained-mobilenet-v2",
        inputSpec: NSFWJS_SPEC,
        provenance: {
          task: PRETRAINED_MOBILENET_V2_TASK,
          examples: 1_281_167,
          source: "nsfwjs@4.3.0 MobileNetV2",
          license: "MIT",
        },
      });
    },
  },
};
