import { describe, expect, it } from "vitest";

import * as api from "../index.js";

describe("@graft/vision public API", () => {
  it("should export exactly these names", () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "IMAGENET_MEAN",
        "IMAGENET_STD",
        "IMAGE_EXTENSIONS",
        "MOBILENET_V2_CUTS",
        "MilPooling2D",
        "NSFWJS_VERSION",
        "PRETRAINED_MOBILENET_V2_TASK",
        "augmentedFeatures",
        "crossValidateMilHead",
        "decodeImage",
        "exploreCuts",
        "gradCam",
        "gradCamLayer",
        "graftPlugin",
        "imageAugmenter",
        "imageDataset",
        "imagePreprocessor",
        "imageToFloat32",
        "loadNsfwjsMobileNetV2",
        "makeDivisible",
        "mirrorViews",
        "mobileNetV2",
        "multiCutFeatures",
        "nsfwjsModelDir",
        "pretrainedMobileNetV2",
        "pretrainedMobileNetV2Model",
        "pretrainedMobileNetV2Spec",
        "readImageFolder",
        "readImageManifest",
        "resizeMobileNetV2",
        "restoreImagePreprocessor",
        "smallCnn",
        "spatialMilHead",
        "splitLabelledImages",
        "vision",
        "writeGradCamOverlay",
      ]
    `);
  });

  it("should expose the vision plugin value", () => {
    expect(api.vision.name).toBe("vision");
    expect(api.vision.packageName).toBe("@graft/vision");
    expect(api.vision.inputKind).toBe("image");
    expect(Object.keys(api.vision.backbones).sort()).toEqual([
      "mobileNetV2",
      "pretrainedMobileNetV2",
      "smallCnn",
    ]);
    const pre = api.vision.restorePreprocessor({
      height: 32,
      width: 32,
      channels: 1,
      fit: "contain",
      normalization: "imagenet",
      resample: "area",
    });
    expect(pre.spec).toEqual({
      kind: "image",
      height: 32,
      width: 32,
      channels: 1,
      normalization: "imagenet",
    });
  });
});
