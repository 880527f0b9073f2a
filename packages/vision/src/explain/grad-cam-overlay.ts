import { writeFile } from "node:fs/promises";

import * as tf from "@tensorflow/tfjs";

import { decodeImage } from "../image/decode-image.js";
import type { ImageSource } from "../image/decode-image.js";

/** Options of {@link writeGradCamOverlay}. */
export interface GradCamOverlayOptions {
  /**
   * Opacity of the heat colours over the image, scaled by the heat itself so cold areas stay visible.
   * @default 0.6
   */
  opacity?: number;
}

/**
 * Writes `image` with a Grad-CAM heat map (from {@link gradCam}, values in
 * [0, 1]) blended over it as a PNG, at the image's own size: blue = cold,
 * red = hot. The heat map is stretched to the image, so preprocess with
 * `fit: "stretch"` when the overlay must line up exactly.
 */
export async function writeGradCamOverlay(
  heat: tf.Tensor2D,
  image: ImageSource,
  outPng: string,
  { opacity = 0.6 }: GradCamOverlayOptions = {},
): Promise<void> {
  const picture = await decodeImage(image);
  const { width, height, data } = picture.bitmap;
  const resized = tf.tidy(() =>
    tf.image.resizeBilinear(heat.expandDims(-1) as tf.Tensor3D, [height, width]).clipByValue(0, 1),
  );
  const values = await resized.data();
  resized.dispose();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    const a = opacity * (0.3 + 0.7 * v);
    const [r, g, b] = jet(v);
    const p = i * 4;
    data[p] = Math.round((1 - a) * (data[p] ?? 0) + a * r);
    data[p + 1] = Math.round((1 - a) * (data[p + 1] ?? 0) + a * g);
    data[p + 2] = Math.round((1 - a) * (data[p + 2] ?? 0) + a * b);
    data[p + 3] = 255;
  }
  await writeFile(outPng, await picture.getBuffer("image/png"));
}

// The classic "jet" colour map: blue → cyan → yellow → red.
function jet(v: number): [number, number, number] {
  const channel = (center: number): number =>
    Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - center))));
  return [channel(3), channel(2), channel(1)];
}
