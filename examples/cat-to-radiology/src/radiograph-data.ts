import { imageDataset, imagePreprocessor } from "@graft/vision";
import type { ImageDataset, ImagePreprocessor } from "@graft/vision";

import type { RadiographRecord } from "./radiographs/generate.js";

/** A set of radiographs as a graft dataset, decoded for one backbone's input. */
export interface RadiographData {
  readonly records: readonly RadiographRecord[];
  readonly preprocessor: ImagePreprocessor;
  readonly data: ImageDataset;
}

/**
 * Wraps generated radiographs as a dataset of `size`² images with `channels`
 * channels in [0, 1] (the grey PNGs are replicated into RGB for ImageNet
 * backbones), decoded once up front so no epoch waits for the PNG decoder.
 */
export async function radiographData(
  records: readonly RadiographRecord[],
  size: number,
  channels: 1 | 3,
): Promise<RadiographData> {
  const preprocessor = imagePreprocessor({ height: size, width: size, channels, fit: "stretch" });
  const data = imageDataset({
    inputs: records.map((r) => r.file),
    labels: records.map((r) => r.label),
    preprocessor,
  });
  await data.warm();
  return { records, preprocessor, data };
}
