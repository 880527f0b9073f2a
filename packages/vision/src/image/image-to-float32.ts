import type { PixelNormalization } from "@graft/core";
import { ResizeStrategy } from "jimp";

import type { JimpImage } from "./decode-image.js";
import { channelAffines } from "./normalization.js";

/** How an image is brought to the target size. */
export type FitMode = "cover" | "contain" | "stretch";

/** Resampling filter used when the image is resized. */
export type Resample = "area" | "bilinear" | "nearest";

/** Geometry, channels and scaling of one preprocessed image. */
export interface ImageLayout {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  readonly fit: FitMode;
  readonly normalization: PixelNormalization;
  readonly resample: Resample;
}

// ITU-R BT.601 luma weights: what most image libraries use for RGB → gray.
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Resizes `image` (in place) and writes it, channels converted and values
 * normalised, into `out` at `offset` as height × width × channels floats.
 * `cover` scales until the image covers the target and crops the centre;
 * `contain` scales until it fits and pads the borders with black (raw 0);
 * `stretch` ignores the aspect ratio. Alpha is dropped.
 */
export function imageToFloat32(
  image: JimpImage,
  layout: ImageLayout,
  out: Float32Array = new Float32Array(layout.height * layout.width * layout.channels),
  offset = 0,
): Float32Array {
  const { height: H, width: W, channels: C } = layout;
  const { dx, dy } = fitImage(image, layout);
  const { data, width: iw, height: ih } = image.bitmap;
  const affines = channelAffines(layout.normalization, C);
  const pad = affines.map((a) => a.offset);
  const [a0, a1, a2] = affines;
  const s0 = a0?.scale ?? 1;
  const o0 = a0?.offset ?? 0;
  const s1 = a1?.scale ?? 1;
  const o1 = a1?.offset ?? 0;
  const s2 = a2?.scale ?? 1;
  const o2 = a2?.offset ?? 0;
  let o = offset;
  for (let y = 0; y < H; y++) {
    const sy = y + dy;
    for (let x = 0; x < W; x++) {
      const sx = x + dx;
      if (sy < 0 || sy >= ih || sx < 0 || sx >= iw) {
        for (let c = 0; c < C; c++) out[o++] = pad[c] ?? 0;
        continue;
      }
      const p = (sy * iw + sx) * 4;
      const r = data[p] ?? 0;
      const g = data[p + 1] ?? 0;
      const b = data[p + 2] ?? 0;
      if (C === 1) {
        out[o++] = (LUMA[0] * r + LUMA[1] * g + LUMA[2] * b) * s0 + o0;
      } else {
        out[o++] = r * s0 + o0;
        out[o++] = g * s1 + o1;
        out[o++] = b * s2 + o2;
      }
    }
  }
  return out;
}

/**
 * Resizes the image for the fit mode and returns the offset of the target
 * window in the resized image (positive: crop, negative: padding).
 */
function fitImage(image: JimpImage, layout: ImageLayout): { dx: number; dy: number } {
  const { height: H, width: W, fit } = layout;
  const w0 = image.bitmap.width;
  const h0 = image.bitmap.height;
  let rw: number;
  let rh: number;
  if (fit === "stretch") {
    rw = W;
    rh = H;
  } else if (fit === "cover") {
    const s = Math.max(W / w0, H / h0);
    rw = Math.max(W, Math.round(w0 * s));
    rh = Math.max(H, Math.round(h0 * s));
  } else {
    const s = Math.min(W / w0, H / h0);
    rw = Math.min(W, Math.max(1, Math.round(w0 * s)));
    rh = Math.min(H, Math.max(1, Math.round(h0 * s)));
  }
  if (rw !== w0 || rh !== h0) resize(image, rw, rh, layout.resample);
  // Crop (rw > W) and pad (rw < W) both leave the odd pixel at the right/bottom.
  const offset = (r: number, t: number): number =>
    r >= t ? Math.floor((r - t) / 2) : -Math.floor((t - r) / 2);
  return { dx: offset(rw, W), dy: offset(rh, H) };
}

function resize(image: JimpImage, w: number, h: number, resample: Resample): void {
  if (resample === "area") {
    // jimp's default algorithm averages source pixels when shrinking (no aliasing).
    image.resize({ w, h });
  } else {
    const mode = resample === "nearest" ? ResizeStrategy.NEAREST_NEIGHBOR : ResizeStrategy.BILINEAR;
    image.resize({ w, h, mode });
  }
}
