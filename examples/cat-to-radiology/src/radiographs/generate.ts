import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { createRng } from "@graft/core";
import { Jimp } from "jimp";

import { CRANIUM_INV3, loadCtVolume } from "./ct-volume.js";
import type { CtVolume } from "./ct-volume.js";
import { DEFAULT_LESION_RANGES, projectLesion, sampleLesion } from "./lesion.js";
import type { Lesion, LesionRanges } from "./lesion.js";
import { projectVolume } from "./projection.js";
import type { Projection } from "./projection.js";
import { renderRadiograph } from "./render.js";
import type { Radiograph } from "./render.js";
import { sampleView } from "./view.js";
import type { View } from "./view.js";

/** Bump when the generator changes, so cached images are regenerated. */
const GENERATOR_VERSION = 2;

export const LABELS = ["normal", "lesion"] as const;

/** Options of {@link generateRadiographs}. */
export interface RadiographSetOptions {
  /** Folder for the cached PNGs; each set gets its own sub-folder. */
  outDir: string;
  /** Number of images (half of them, rounded down, with a lesion). */
  count: number;
  /** Seed of everything random: the same seed gives the same images. */
  seed: number;
  /** Side of the square images, in pixels. @default 224 */
  size?: number;
  /** View angles precomputed around the body axis (a multiple of 4). @default 72 */
  angles?: number;
  /** @default DEFAULT_LESION_RANGES */
  lesions?: LesionRanges;
  /** @default Debian's invesalius-examples head CT */
  volumePath?: string;
  /** Called after each new image. */
  onImage?: (done: number, total: number) => void;
}

/** One generated image and everything that went into it. */
export interface RadiographRecord {
  readonly file: string;
  /** 0 = normal, 1 = lesion. */
  readonly label: 0 | 1;
  readonly view: View;
  readonly lesion?: Lesion;
  /** The lesion's centre and radius in pixels. */
  readonly lesionPixels?: Radiograph["lesion"];
}

/**
 * Generates (or reads back from `outDir`) a balanced set of skull radiographs
 * projected from a real head CT, half with a lesion. Images are written as
 * PNGs with a `manifest.json`; a set with the same seed, count, size and
 * generator version is reused instead of being generated again.
 */
export async function generateRadiographs(
  options: RadiographSetOptions,
): Promise<RadiographRecord[]> {
  const { outDir, count, seed, size = 224, angles = 72, lesions = DEFAULT_LESION_RANGES } = options;
  const dir = join(outDir, `v${GENERATOR_VERSION}-seed${seed}-n${count}-${size}px`);
  const manifestPath = join(dir, "manifest.json");
  if (existsSync(manifestPath)) {
    const cached = JSON.parse(await readFile(manifestPath, "utf8")) as RadiographRecord[];
    if (cached.length === count && cached.every((r) => existsSync(r.file))) return cached;
  }
  await mkdir(dir, { recursive: true });
  const volume = await loadCtVolume(options.volumePath ?? CRANIUM_INV3);
  const projections = projectionCache(volume, angles);
  const labels = createRng(seed).shuffle(Array.from({ length: count }, (_, i) => (i % 2) as 0 | 1));
  const records: RadiographRecord[] = [];
  for (const [index, label] of labels.entries()) {
    // One generator per image: image i does not depend on how many come before it.
    const rng = createRng(seed * 100_003 + index);
    const view = sampleView(rng, angles);
    const projection = projections(view.angleIndex);
    const lesion = label === 1 ? sampleLesion(volume, rng, lesions) : undefined;
    const projected = lesion && projectLesion(volume, projection, lesion);
    const image = renderRadiograph(projection, view, projected, size, rng);
    const file = join(dir, `${String(index).padStart(4, "0")}-${LABELS[label]}.png`);
    await writePng(image, file);
    records.push({
      file,
      label,
      view,
      ...(lesion ? { lesion } : {}),
      ...(image.lesion ? { lesionPixels: image.lesion } : {}),
    });
    options.onImage?.(index + 1, count);
  }
  await writeFile(manifestPath, `${JSON.stringify(records, null, 1)}\n`);
  return records;
}

function projectionCache(volume: CtVolume, angles: number): (index: number) => Projection {
  const cache = new Map<number, Projection>();
  return (index) => {
    let projection = cache.get(index);
    if (!projection) {
      projection = projectVolume(volume, (2 * Math.PI * index) / angles);
      cache.set(index, projection);
    }
    return projection;
  };
}

async function writePng({ size, pixels }: Radiograph, file: string): Promise<void> {
  const image = new Jimp({ width: size, height: size });
  const rgba = image.bitmap.data;
  pixels.forEach((value, i) => {
    rgba[4 * i] = value;
    rgba[4 * i + 1] = value;
    rgba[4 * i + 2] = value;
    rgba[4 * i + 3] = 255;
  });
  await writeFile(file, await image.getBuffer("image/png"));
}
