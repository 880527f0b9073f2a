import type { Rng } from "@graft/core";

import type { CtVolume } from "./ct-volume.js";
import type { Projection } from "./projection.js";

/** A round opacity (nodule, haemorrhage, calcified mass) placed inside the head. */
export interface Lesion {
  /** Centre in voxel coordinates [x, y, z]. */
  readonly center: readonly [number, number, number];
  /** Semi-axes in millimetres: across the detector, along the body axis, along the ray. */
  readonly radii: readonly [number, number, number];
  /** Attenuation added to the tissue, relative to water (0.1 ≈ +100 HU). */
  readonly contrast: number;
}

/** Ranges a lesion is drawn from. */
export interface LesionRanges {
  /** Mean radius in millimetres. */
  readonly radius: readonly [number, number];
  /** Added attenuation relative to water. */
  readonly contrast: readonly [number, number];
}

export const DEFAULT_LESION_RANGES: LesionRanges = { radius: [7, 16], contrast: [0.5, 1.3] };

/**
 * Draws a lesion at a random soft-tissue voxel inside the head (attenuation
 * between water and +80 HU, away from the volume's borders), with a random
 * size, elongation and contrast.
 */
export function sampleLesion(volume: CtVolume, rng: Rng, ranges = DEFAULT_LESION_RANGES): Lesion {
  const { mu, depth, height, width, spacing } = volume;
  const between = ([lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.next();
  const radius = between(ranges.radius);
  const contrast = between(ranges.contrast);
  const margin = Math.ceil((radius + 4) / Math.min(...spacing));
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const x = margin + rng.next() * (width - 2 * margin);
    const y = margin + rng.next() * (height - 2 * margin);
    const z = margin / 2 + rng.next() * (depth - margin);
    const value = mu[Math.floor(z) * width * height + Math.floor(y) * width + Math.floor(x)] ?? 0;
    if (value >= 1 && value <= 1.08) {
      const axis = () => radius * (0.8 + 0.4 * rng.next());
      return { center: [x, y, z], radii: [axis(), axis(), axis()], contrast };
    }
  }
  throw new Error("sampleLesion: found no soft tissue in the volume; is it a head CT in HU?");
}

/** Where a lesion lands on a projection: detector column and row positions in millimetres. */
export interface ProjectedLesion {
  /** Millimetres from the detector's left edge. */
  readonly u: number;
  /** Millimetres down from the top (highest) slice. */
  readonly down: number;
  readonly lesion: Lesion;
}

/** Projects a lesion's centre the same way {@link projectVolume} projects voxels. */
export function projectLesion(
  volume: CtVolume,
  projection: Projection,
  lesion: Lesion,
): ProjectedLesion {
  const [sx, sy] = volume.spacing;
  const [x, y, z] = lesion.center;
  const dx = (x - (volume.width - 1) / 2) * sx;
  const dy = (y - (volume.height - 1) / 2) * sy;
  const u = dx * Math.cos(projection.angle) + dy * Math.sin(projection.angle);
  return {
    u: u + projection.columns / 2,
    down: (projection.rows - 1 - z) * projection.rowSpacing,
    lesion,
  };
}

/** Extra attenuation path (mm of water) the lesion adds at a detector point, 0 outside it. */
export function lesionPath(projected: ProjectedLesion, u: number, down: number): number {
  const { radii, contrast } = projected.lesion;
  const du = (u - projected.u) / radii[0];
  const dz = (down - projected.down) / radii[1];
  const inside = 1 - du * du - dz * dz;
  return inside > 0 ? 2 * radii[2] * contrast * Math.sqrt(inside) : 0;
}
