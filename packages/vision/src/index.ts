export { vision } from "./plugin.js";
export type { VisionBackbones, VisionHeads } from "./plugin.js";

export { decodeImage, IMAGE_EXTENSIONS } from "./image/decode-image.js";
export type { ImageSource, JimpImage } from "./image/decode-image.js";
export { imageToFloat32 } from "./image/image-to-float32.js";
export type { FitMode, ImageLayout, Resample } from "./image/image-to-float32.js";
export { imagePreprocessor, restoreImagePreprocessor } from "./image/image-preprocessor.js";
export type { ImagePreprocessor, ImagePreprocessorOptions } from "./image/image-preprocessor.js";
export { IMAGENET_MEAN, IMAGENET_STD } from "./image/normalization.js";

export { imageDataset } from "./data/image-dataset.js";
export type { BatchTransform, ImageDataset, ImageDatasetOptions } from "./data/image-dataset.js";
export { readImageFolder } from "./data/read-image-folder.js";
export { readImageManifest } from "./data/read-image-manifest.js";
export type { ReadImageManifestOptions } from "./data/read-image-manifest.js";
export type { LabelledImages, ReadImagesOptions } from "./data/labelled-images.js";
export { splitLabelledImages } from "./data/split-labelled-images.js";
export type { LabelledImagesSplit } from "./data/split-labelled-images.js";

export { imageAugmenter } from "./augment/image-augmenter.js";
export type { ImageAugmenter, ImageAugmenterOptions } from "./augment/image-augmenter.js";
export { augmentedFeatures } from "./augment/augmented-features.js";
export type { AugmentedFeaturesOptions } from "./augment/augmented-features.js";
export { mirrorViews } from "./augment/mirror-views.js";

export { makeDivisible, mobileNetV2 } from "./backbones/mobilenet-v2.js";
export type { MobileNetV2Options } from "./backbones/mobilenet-v2.js";
export { resizeMobileNetV2 } from "./backbones/resize-mobilenet-v2.js";
export type { ResizeMobileNetV2Options } from "./backbones/resize-mobilenet-v2.js";
export { smallCnn } from "./backbones/small-cnn.js";
export type { SmallCnnOptions } from "./backbones/small-cnn.js";
export {
  pretrainedMobileNetV2,
  pretrainedMobileNetV2Model,
  pretrainedMobileNetV2Spec,
  PRETRAINED_MOBILENET_V2_TASK,
} from "./backbones/pretrained-mobilenet-v2.js";
export type { PretrainedMobileNetV2Options } from "./backbones/pretrained-mobilenet-v2.js";
export { loadNsfwjsMobileNetV2, NSFWJS_VERSION, nsfwjsModelDir } from "./backbones/nsfwjs-model.js";

export { exploreCuts, MOBILENET_V2_CUTS } from "./explore/explore-cuts.js";
export type { CutExploration, ExploreCutsOptions } from "./explore/explore-cuts.js";
export { crossValidateMilHead } from "./explore/cross-validate-mil.js";
export type { MilCrossValidationOptions } from "./explore/cross-validate-mil.js";
export { multiCutFeatures } from "./explore/multi-cut-features.js";
export type { CandidatePooling, MultiCutFeaturesOptions } from "./explore/multi-cut-features.js";

export { gradCam } from "./explain/grad-cam.js";
export type { GradCamOptions } from "./explain/grad-cam.js";
export { writeGradCamOverlay } from "./explain/grad-cam-overlay.js";
export type { GradCamOverlayOptions } from "./explain/grad-cam-overlay.js";

export { gradCamLayer } from "./explain/grad-cam-layer.js";
export type { GradCamLayerOptions } from "./explain/grad-cam-layer.js";
export { spatialMilHead } from "./heads/spatial-mil-head.js";
export type { SpatialMilHeadOptions } from "./heads/spatial-mil-head.js";
export { MilPooling2D } from "./heads/mil-pooling.js";
export type { MilPooling, MilPoolingArgs } from "./heads/mil-pooling.js";

export { graftPlugin } from "./contract/graft-plugin.js";
