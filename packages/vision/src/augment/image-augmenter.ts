import { ConfigError, createRng } from "@graft/core";
import * as tf from "@tensorflow/tfjs";


/** Options of {@link imageAugmenter}. Every transform is drawn independently per image. */
export interface ImageAugmenterOptions {
  /**
   * Probability of a horizontal flip; `true` = 0.5. Leave off for images whose left and right differ in meaning.
   * @default false
   */
  flip?: boolean | number;
  /**
   * Largest rotation in degrees, either way (uniform in [-rotate, rotate]).
   * @default 0
   */
  rotate?: number;
  /**
   * Largest fraction of each side cut away by a random crop, which is resized back to full size.
   * @default 0
   */
  crop?: number;
  /**
   * Largest brightness shift, as a fraction of `range` (uniform in [-brightness, brightness]).
   * @default 0
   */
  brightness?: number;
  /**
   * Largest contrast change around each image's mean: factor uniform in [1 - contrast, 1 + contrast].
   * @default 0
   */
  contrast?: number;
  /**
   * Value range of the input: scales `brightness`, fills rotated corners (with its minimum) and clips the output.
   * `null` skips clipping (e.g. ImageNet normalisation) and fills with 0.
   * @default [0, 1]
   */
  range?: readonly [number, number] | null;
  /**
   * Seed of the random draws; the same seed gives the same sequence of batches.
   * @default 42
   */
  seed?: number;
}

/** A training-time batch transform: `[n, h, w, c]` in, same shape out. The caller owns the result. */
export type ImageAugmenter = (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * Builds a random augmentation made of tensor ops (flip, small rotation,
 * random crop + resize, brightness, contrast), for training batches only:
 * prediction goes through the preprocessor, which never augments.
 */
export function imageAugmenter({
  flip = false,
  rotate = 0,
  crop = 0,
  brightness = 0,
  contrast = 0,
  range = [0, 1],
  seed = 42,
}: ImageAugmenterOptions = {}): ImageAugmenter {
  const flipP = flip === true ? 0.5 : flip === false ? 0 : flip;
  validate({ flipP, rotate, crop, brightness, contrast });
  const rng = createRng(seed);
  const random = (): number => rng.next();
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * random();
  const span = range ? range[1] - range[0] : 1;
  const fill = range ? range[0] : 0;

  return (x: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      const [n, h, w] = x.shape;
      let y: tf.Tensor4D = x.toFloat();
      if (flipP > 0) {
        const mask = Array.from({ length: n }, () => (random() < flipP ? 1 : 0));
        if (mask.some((m) => m === 1)) {
          // A 0/1 blend instead of tf.where: exact for 0 and 1, and needs no bool broadcast.
          const m = tf.tensor4d(mask, [n, 1, 1, 1]);
          y = tf.add(tf.mul(m, tf.image.flipLeftRight(y)), tf.mul(tf.sub(1, m), y));
        }
      }
      if (rotate > 0) {
        const radians = Array.from({ length: n }, () => (uniform(-rotate, rotate) * Math.PI) / 180);
        // rotateWithOffset takes one angle per call, so rotate image by image.
        const images = tf
          .split(y, n, 0)
          .map((image, i) =>
            tf.image.rotateWithOffset(image as tf.Tensor4D, radians[i] ?? 0, fill),
          );
        y = tf.concat(images, 0);
      }
      if (crop > 0) {
        const boxes = Array.from({ length: n }, () => {
          const sh = 1 - uniform(0, crop);
          const sw = 1 - uniform(0, crop);
          const top = uniform(0, 1 - sh);
          const left = uniform(0, 1 - sw);
          return [top, left, top + sh, left + sw];
        });
        const boxIndices = Array.from({ length: n }, (_, i) => i);
        y = tf.image.cropAndResize(
          y,
          tf.tensor2d(boxes, [n, 4]),
          tf.tensor1d(boxIndices, "int32"),
          [h, w],
        );
      }
      if (contrast > 0) {
        const factors = Array.from({ length: n }, () => uniform(1 - contrast, 1 + contrast));
        const mean = tf.mean(y, [1, 2, 3], true);
        y = tf.add(tf.mul(tf.sub(y, mean), tf.tensor4d(factors, [n, 1, 1, 1])), mean);
      }
      if (brightness > 0) {
        const shifts = Array.from({ length: n }, () => uniform(-brightness, brightness) * span);
        y = tf.add(y, tf.tensor4d(shifts, [n, 1, 1, 1]));
      }
      if (range) y = tf.clipByValue(y, range[0], range[1]);
      return y;
    });
}

function validate(o: {
  flipP: number;
  rotate: number;
  crop: number;
  brightness: number;
  contrast: number;
}): void {
  const bad = (key: string, value: number, rule: string): never => {
    throw new ConfigError(`imageAugmenter: ${key} must be ${rule}, got ${value}.`, {
      fix: "imageAugmenter({ flip: true, rotate: 10, crop: 0.1, brightness: 0.1, contrast: 0.1 })",
    });
  };
  if (!(o.flipP >= 0 && o.flipP <= 1)) bad("flip", o.flipP, "a boolean or a probability in [0, 1]");
  if (!(o.rotate >= 0 && o.rotate <= 180)) bad("rotate", o.rotate, "degrees in [0, 180]");
  if (!(o.crop >= 0 && o.crop < 1)) bad("crop", o.crop, "a fraction in [0, 1)");
  if (!(o.brightness >= 0)) bad("brightness", o.brightness, ">= 0");
  if (!(o.contrast >= 0 && o.contrast <= 1)) bad("contrast", o.contrast, "in [0, 1]");
}
