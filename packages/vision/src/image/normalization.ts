import type { PixelNormalization } from "@graft/core";

/** ImageNet per-channel mean of [0,1] pixels (R, G, B). */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet per-channel standard deviation of [0,1] pixels (R, G, B). */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** Scale and offset of one channel: `normalised = raw * scale + offset`, raw in [0, 255]. */
export interface ChannelAffine {
  readonly scale: number;
  readonly offset: number;
}

/**
 * Per-channel affine maps for a normalisation. A single gray channel under
 * `imagenet` uses the mean of the three channel statistics, so a grayscale
 * backbone sees the same value range as an RGB one.
 */
export function channelAffines(
  normalization: PixelNormalization,
  channels: 1 | 3,
): ChannelAffine[] {
  switch (normalization) {
    case "unit":
      return repeat({ scale: 1 / 255, offset: 0 }, channels);
    case "symmetric":
      return repeat({ scale: 2 / 255, offset: -1 }, channels);
    case "imagenet": {
      const means = channels === 3 ? IMAGENET_MEAN : [average(IMAGENET_MEAN)];
      const stds = channels === 3 ? IMAGENET_STD : [average(IMAGENET_STD)];
      return means.map((mean, c) => {
        const std = stds[c] ?? 1;
        return { scale: 1 / (255 * std), offset: -mean / std };
      });
    }
  }
}

function repeat(affine: ChannelAffine, n: number): ChannelAffine[] {
  return Array.from({ length: n }, () => affine);
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
