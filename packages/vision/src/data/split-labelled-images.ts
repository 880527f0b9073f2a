import { stratifiedSplit } from "@graft/core";
import type { SplitOptions } from "@graft/core";

import type { LabelledImages } from "./labelled-images.js";

/** Train, validation and test parts of a {@link LabelledImages}; each keeps all class names. */
export interface LabelledImagesSplit {
  readonly train: LabelledImages;
  readonly validation: LabelledImages;
  readonly test: LabelledImages;
}

/**
 * Splits labelled images with core's seeded, stratified split: each class
 * keeps about the same share in train, validation and test.
 */
export function splitLabelledImages(
  images: LabelledImages,
  options: SplitOptions = {},
): LabelledImagesSplit {
  const parts = stratifiedSplit(images.labels, { labelNames: images.classNames, ...options });
  const pick = (indices: readonly number[]): LabelledImages => ({
    inputs: indices.map((i) => images.inputs[i] ?? ""),
    labels: indices.map((i) => images.labels[i] ?? -1),
    classNames: images.classNames,
  });
  return { train: pick(parts.train), validation: pick(parts.validation), test: pick(parts.test) };
}
