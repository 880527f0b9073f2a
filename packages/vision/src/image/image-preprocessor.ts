import { ConfigError } from "@graft/core";
import type { ImageInputSpec, Json, PixelNormalization, Preprocessor } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { decodeImage } from "./decode-image.js";
import type { ImageSource } from "./decode-image.js";
import { imageToFloat32 } from "./image-to-float32.js";
import type { FitMode, ImageLayout, Resample } from "./image-to-float32.js";

/** Options of {@link imagePreprocessor}. */
export interface ImagePreprocessorOptions {
  /** Target height in pixels. */
  height: number;
  /** Target width in pixels. */
  width: number;
  /**
   * Output channels: 3 (gray images are replicated) or 1 (RGB is converted to luma).
   * @default 3
   */
  channels?: 1 | 3;
  /**
   * `cover` resizes then crops the centre, `contain` letterboxes with black, `stretch` ignores aspect ratio.
   * @default "cover"
   */
  fit?: FitMode;
  /**
   * `unit` = [0, 1], `symmetric` = [-1, 1], `imagenet` = ImageNet mean/std.
   * @default "unit"
   */
  normalization?: PixelNormalization;
  /**
   * `area` (jimp's default, averages when shrinking), `bilinear` or `nearest`.
   * @default "area"
   */
  resample?: Resample;
}

/** The vision preprocessor: paths or image bytes in, `[n, height, width, channels]` float32 out. */
export interface ImagePreprocessor extends Preprocessor<ImageSource> {
  readonly spec: ImageInputSpec;
  readonly layout: ImageLayout;
  /** Floats per example: height × width × channels. */
  readonly exampleSize: number;
  /** Decodes and preprocesses one image into `out` (at `offset`) or a new array. */
  decode(source: ImageSource, out?: Float32Array, offset?: number): Promise<Float32Array>;
}

const NAME = "vision:image";
const FITS: readonly FitMode[] = ["cover", "contain", "stretch"];
const NORMALIZATIONS: readonly PixelNormalization[] = ["unit", "symmetric", "imagenet"];
const RESAMPLES: readonly Resample[] = ["area", "bilinear", "nearest"];

/**
 * Builds the image preprocessor: decodes with jimp, resizes by `fit`,
 * converts channels and normalises. Deterministic; its `config` is saved with
 * a model and {@link restoreImagePreprocessor} rebuilds the same pipeline.
 */
export function imagePreprocessor({
  height,
  width,
  channels = 3,
  fit = "cover",
  normalization = "unit",
  resample = "area",
}: ImagePreprocessorOptions): ImagePreprocessor {
  validate({ height, width, channels, fit, normalization, resample });
  const layout: ImageLayout = { height, width, channels, fit, normalization, resample };
  const exampleSize = height * width * channels;
  const decode = async (
    source: ImageSource,
    out?: Float32Array,
    offset = 0,
  ): Promise<Float32Array> => {
    const image = await decodeImage(source);
    return imageToFloat32(image, layout, out ?? new Float32Array(exampleSize), offset);
  };
  return {
    name: NAME,
    spec: { kind: "image", height, width, channels, normalization },
    config: { height, width, channels, fit, normalization, resample },
    layout,
    exampleSize,
    decode,
    async process(raws: readonly ImageSource[]): Promise<tf.Tensor4D> {
      // One Float32Array and one tensor per batch: no per-image tensors to concat.
      const data = new Float32Array(raws.length * exampleSize);
      for (const [i, raw] of raws.entries()) await decode(raw, data, i * exampleSize);
      return tf.tensor4d(data, [raws.length, height, width, channels], "float32");
    },
  };
}

/** Rebuilds an image preprocessor from the `config` saved in a model's `graft.json`. */
export function restoreImagePreprocessor(config: Json): ImagePreprocessor {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(
      `Expected the saved "${NAME}" preprocessor config to be an object, got ${JSON.stringify(config)}.`,
    );
  }
  return imagePreprocessor(config as unknown as ImagePreprocessorOptions);
}

function validate(o: Required<ImagePreprocessorOptions>): void {
  for (const key of ["height", "width"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new ConfigError(
        `imagePreprocessor: ${key} must be a positive integer, got ${String(o[key])}.`,
        {
          fix: "imagePreprocessor({ height: 224, width: 224 })",
        },
      );
    }
  }
  check("channels", o.channels, [1, 3]);
  check("fit", o.fit, FITS);
  check("normalization", o.normalization, NORMALIZATIONS);
  check("resample", o.resample, RESAMPLES);
}

function check(key: string, value: unknown, allowed: readonly unknown[]): void {
  if (!allowed.includes(value)) {
    throw new ConfigError(
      `imagePreprocessor: ${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(value)}.`,
    );
  }
}
