import type { CtVolume } from "./ct-volume.js";

/** Attenuation above this (relative to water, ≈ +150 HU) counts as bone in a {@link Projection}. */
const BONE_THRESHOLD = 1.15;

/**
 * A parallel-beam projection of a CT volume: line integrals of attenuation in
 * millimetres of water-equivalent path, split into soft tissue and the bone
 * excess so a renderer can vary bone contrast (tube voltage) per image.
 */
export interface Projection {
  /** View angle around the body's long axis, in radians (0: rays along +y). */
  readonly angle: number;
  /** Detector columns, 1 mm apart, centred on the volume's axis. */
  readonly columns: number;
  /** One row per CT slice. */
  readonly rows: number;
  /** Millimetres between rows (the CT's slice spacing). */
  readonly rowSpacing: number;
  /** Path through soft tissue, `rows × columns`. */
  readonly soft: Float32Array;
  /** Extra path from bone (attenuation above the bone threshold), `rows × columns`. */
  readonly bone: Float32Array;
}

/**
 * Projects `volume` at `angle` around its z axis: each slice becomes one
 * detector row by summing bilinearly sampled attenuation along parallel rays
 * 1 mm apart (a 2-D Radon transform per slice).
 */
export function projectVolume(volume: CtVolume, angle: number): Projection {
  const { mu, depth, height, width, spacing } = volume;
  const [sx, sy, sz] = spacing;
  const extent = Math.ceil(Math.hypot(width * sx, height * sy) / 2);
  const columns = 2 * Math.ceil((width * sx) / 2);
  const soft = new Float32Array(depth * columns);
  const bone = new Float32Array(depth * columns);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const slice = width * height;
  for (let z = 0; z < depth; z++) {
    const base = z * slice;
    for (let c = 0; c < columns; c++) {
      const u = c - columns / 2 + 0.5;
      let softSum = 0;
      let boneSum = 0;
      for (let t = -extent; t <= extent; t++) {
        // Detector axis (cos, sin); ray direction (-sin, cos); both in millimetres.
        const x = (u * cos - t * sin) / sx + cx;
        const y = (u * sin + t * cos) / sy + cy;
        if (x < 0 || y < 0 || x >= width - 1 || y >= height - 1) continue;
        const x0 = x | 0;
        const y0 = y | 0;
        const fx = x - x0;
        const fy = y - y0;
        const i = base + y0 * width + x0;
        const top = (mu[i] ?? 0) * (1 - fx) + (mu[i + 1] ?? 0) * fx;
        const bottom = (mu[i + width] ?? 0) * (1 - fx) + (mu[i + width + 1] ?? 0) * fx;
        const value = top * (1 - fy) + bottom * fy;
        if (value > BONE_THRESHOLD) {
          softSum += BONE_THRESHOLD;
          boneSum += value - BONE_THRESHOLD;
        } else {
          softSum += value;
        }
      }
      soft[z * columns + c] = softSum;
      bone[z * columns + c] = boneSum;
    }
  }
  return { angle, columns, rows: depth, rowSpacing: sz, soft, bone };
}
