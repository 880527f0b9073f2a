import type { Rng } from "@graft/core";

import { lesionPath } from "./lesion.js";
import type { ProjectedLesion } from "./lesion.js";
import type { Projection } from "./projection.js";
import type { View } from "./view.js";

/** Effective attenuation of water at diagnostic energies, per millimetre (≈ 0.2 / cm). */
const WATER_MU_PER_MM = 0.02;

/** A rendered radiograph: 8-bit grey levels, row by row, and where its lesion is. */
export interface Radiograph {
  readonly size: number;
  readonly pixels: Uint8Array;
  /** Lesion centre and radius in pixels, when there is one in the field of view. */
  readonly lesion?: { readonly x: number; readonly y: number; readonly radius: number };
}

/**
 * Renders a square radiograph of `size` pixels from a projection: positions the
 * head (field of view, tilt, stretch, shift, mirror), adds the lesion's path,
 * simulates the detector (Poisson-like quantum noise on the photon count,
 * heel effect, blur) and maps the log signal through a display window and gamma.
 * Bright means more attenuation, as on a film viewed on a light box.
 */
export function renderRadiograph(
  projection: Projection,
  view: View,
  lesion: ProjectedLesion | undefined,
  size: number,
  rng: Rng,
): Radiograph {
  const [centerU, centerDown] = centroid(projection);
  const mmPerPixel = view.fieldOfView / size;
  const cos = Math.cos(view.tilt);
  const sin = Math.sin(view.tilt);
  const heelCos = Math.cos(view.heelAngle);
  const heelSin = Math.sin(view.heelAngle);
  const signal = new Float32Array(size * size);
  let lesionPeak = 0;
  let lesionAt: [number, number] | undefined;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      // Image millimetres from the centre, then into projection millimetres.
      let qx = (col + 0.5 - size / 2) * mmPerPixel;
      const qy = (row + 0.5 - size / 2) * mmPerPixel;
      if (view.mirror) qx = -qx;
      const u = (cos * qx - sin * qy) / view.stretch[0] + centerU + view.shift[0];
      const down = (sin * qx + cos * qy) / view.stretch[1] + centerDown + view.shift[1];
      const [soft, bone] = sample(projection, u, down);
      let path = soft + view.boneWeight * bone;
      if (lesion) {
        const extra = lesionPath(lesion, u, down);
        path += extra;
        if (extra > lesionPeak) {
          lesionPeak = extra;
          lesionAt = [col, row];
        }
      }
      const heel = 1 + view.heel * ((col / size - 0.5) * heelCos + (row / size - 0.5) * heelSin);
      const expected = view.photons * heel * Math.exp(-WATER_MU_PER_MM * path);
      // Gaussian approximation of Poisson counting noise (counts stay well above 10 here).
      const counted = Math.max(1, expected + Math.sqrt(expected) * rng.normal());
      signal[row * size + col] = Math.log((view.photons * heel) / counted) / WATER_MU_PER_MM;
    }
  }
  const blurred = view.blur > 0 ? gaussianBlur(signal, size, view.blur) : signal;
  const sorted = Float32Array.from(blurred).sort();
  const low = sorted[Math.floor(0.01 * sorted.length)] ?? 0;
  const high = sorted[Math.floor(0.995 * sorted.length)] ?? 1;
  const black = low + view.window[0] * (high - low);
  const white = high + view.window[1] * (high - low);
  const pixels = new Uint8Array(size * size);
  for (let i = 0; i < pixels.length; i++) {
    const t = Math.min(1, Math.max(0, ((blurred[i] ?? 0) - black) / (white - black)));
    pixels[i] = Math.round(255 * t ** view.gamma);
  }
  const result: Radiograph = { size, pixels };
  if (!lesion || !lesionAt) return result;
  const radius = (lesion.lesion.radii[0] + lesion.lesion.radii[1]) / 2 / mmPerPixel;
  return { ...result, lesion: { x: lesionAt[0], y: lesionAt[1], radius } };
}

/** Bilinear sample of a projection at detector millimetres; zero (air) outside. */
function sample(p: Projection, u: number, down: number): [number, number] {
  const c = u - 0.5;
  const r = p.rows - 1 - down / p.rowSpacing;
  if (c < 0 || r < 0 || c >= p.columns - 1 || r >= p.rows - 1) return [0, 0];
  const c0 = c | 0;
  const r0 = r | 0;
  const fc = c - c0;
  const fr = r - r0;
  const i = r0 * p.columns + c0;
  const j = i + p.columns;
  const mix = (a: Float32Array) =>
    ((a[i] ?? 0) * (1 - fc) + (a[i + 1] ?? 0) * fc) * (1 - fr) +
    ((a[j] ?? 0) * (1 - fc) + (a[j + 1] ?? 0) * fc) * fr;
  return [mix(p.soft), mix(p.bone)];
}

const centroids = new WeakMap<Projection, [number, number]>();

/** Centre of mass of the projected tissue, in detector millimetres (u, down). */
function centroid(p: Projection): [number, number] {
  const cached = centroids.get(p);
  if (cached) return cached;
  let total = 0;
  let sumU = 0;
  let sumDown = 0;
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < p.columns; c++) {
      const w = p.soft[r * p.columns + c] ?? 0;
      total += w;
      sumU += w * (c + 0.5);
      sumDown += w * (p.rows - 1 - r) * p.rowSpacing;
    }
  }
  const result: [number, number] = [sumU / total, sumDown / total];
  centroids.set(p, result);
  return result;
}

/** Separable Gaussian blur of a square image (edges clamped). */
function gaussianBlur(image: Float32Array, size: number, sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, k) =>
    Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)),
  );
  const norm = kernel.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          const rr = horizontal ? row : Math.min(size - 1, Math.max(0, row + k));
          const cc = horizontal ? Math.min(size - 1, Math.max(0, col + k)) : col;
          acc += (kernel[k + radius] ?? 0) * (src[rr * size + cc] ?? 0);
        }
        out[row * size + col] = acc / norm;
      }
    }
    return out;
  };
  return pass(pass(image, true), false);
}
