import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

import { gradCam, gradCamLayer, writeGradCamOverlay } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";
import { Jimp } from "jimp";

import type { RunResult } from "./compare.js";
import type { RadiographData } from "./radiograph-data.js";

/** One explained test image. */
export interface OverlayRecord {
  readonly file: string;
  readonly label: string;
  /** The model's P(lesion). */
  readonly probability: number;
  /** Layer whose feature maps were weighted. */
  readonly layer: string;
  /** Heat-map peak in image pixels; null when the map is all zero (nothing raised the score). */
  readonly peak: readonly [number, number] | null;
  /** Whether the peak lies within twice the lesion's radius of its centre (lesion images only). */
  readonly peakOnLesion?: boolean;
}

/**
 * Writes Grad-CAM overlays (at the generated images' resolution) of the
 * lesion score for `count` test images, two thirds of them with a lesion.
 * The explained layer is vision's `gradCamLayer` pick: the last ReLU whose
 * map is at least `minSide` cells a side (at 96 px MobileNetV2's `out_relu`
 * is only 3 × 3, too coarse to point at a lesion). The true lesion is circled
 * in white.
 */
export async function writeOverlays(
  result: RunResult,
  test: RadiographData,
  count: number,
  dir: string,
  minSide = 6,
): Promise<OverlayRecord[]> {
  const layer = gradCamLayer(result.model.model, { minSide, namePattern: /relu$/ });
  if (layer === undefined) {
    throw new Error(
      `grad-cam: the ${result.kind} model has no ReLU feature map of at least ${minSide}×${minSide} cells; pass --grad-cam 0 or a larger --size.`,
    );
  }
  await mkdir(dir, { recursive: true });
  const lesions = test.records.flatMap((r, i) => (r.label === 1 ? [i] : []));
  const normals = test.records.flatMap((r, i) => (r.label === 0 ? [i] : []));
  const positives = Math.ceil((2 * count) / 3);
  const picked = [...lesions.slice(0, positives), ...normals.slice(0, count - positives)];
  const out: OverlayRecord[] = [];
  for (const index of picked) {
    const record = test.records[index];
    if (!record) continue;
    const x = await test.data.batch([index]);
    const probability = tf.tidy(() => result.model.predict(x).dataSync()[0] ?? 0);
    const heat = await gradCam(result.model.model, x, { layerName: layer, classIndex: 0 });
    x.dispose();
    const width = heat.shape[1] ?? 1;
    const [peakIndex = 0, peakValue = 0] = tf.tidy(() => {
      const flat = heat.reshape([-1]);
      return [flat.argMax().dataSync()[0], flat.max().dataSync()[0]];
    });
    const file = join(dir, `${result.kind}-${basename(record.file)}`);
    await writeGradCamOverlay(heat, record.file, file);
    heat.dispose();
    if (record.lesionPixels) await markLesion(file, record.lesionPixels);
    const scale = sizeOf(record.file) / width;
    const peak: [number, number] | null =
      peakValue > 0
        ? [((peakIndex % width) + 0.5) * scale, (Math.floor(peakIndex / width) + 0.5) * scale]
        : null;
    const lesion = record.lesionPixels;
    out.push({
      file,
      label: record.label === 1 ? "lesion" : "normal",
      probability,
      layer,
      peak,
      ...(lesion
        ? {
            peakOnLesion:
              peak !== null &&
              Math.hypot(peak[0] - lesion.x, peak[1] - lesion.y) <= 2 * lesion.radius,
          }
        : {}),
    });
  }
  return out;
}

/** Draws a thin white circle around the true lesion, so a reader can judge the heat map. */
async function markLesion(
  file: string,
  lesion: { x: number; y: number; radius: number },
): Promise<void> {
  const image = await Jimp.read(file);
  const { width, height, data } = image.bitmap;
  const r = lesion.radius + 3;
  for (let step = 0; step < 720; step++) {
    const angle = (step * Math.PI) / 360;
    const x = Math.round(lesion.x + r * Math.cos(angle));
    const y = Math.round(lesion.y + r * Math.sin(angle));
    if (x >= 0 && y >= 0 && x < width && y < height)
      data.fill(255, 4 * (y * width + x), 4 * (y * width + x) + 4);
  }
  await writeFile(file, await image.getBuffer("image/png"));
}

// Generated file names carry no size; the generator writes `<n>px` into the folder name.
function sizeOf(file: string): number {
  return Number(/-(\d+)px[\\/]/.exec(file)?.[1] ?? 224);
}
