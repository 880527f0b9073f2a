import type { Rng } from "@graft/core";

/** How one radiograph is taken and displayed: positioning, tube, detector and window. */
export interface View {
  /** Index into the precomputed view angles around the body axis. */
  readonly angleIndex: number;
  /** Field of view across the image, in millimetres. */
  readonly fieldOfView: number;
  /** In-plane tilt of the head, in radians. */
  readonly tilt: number;
  /** Stretch of the anatomy across and along the body axis (head shape varies between people). */
  readonly stretch: readonly [number, number];
  /** Offset of the head from the image centre, in millimetres. */
  readonly shift: readonly [number, number];
  /** Mirror the image left–right. */
  readonly mirror: boolean;
  /** Weight of bone relative to soft tissue (lower at higher tube voltage). */
  readonly boneWeight: number;
  /** Photons per pixel reaching the detector with nothing in the beam: sets the quantum noise. */
  readonly photons: number;
  /** Anode heel effect: photon count varies by ±heel across the image, along `heelAngle`. */
  readonly heel: number;
  readonly heelAngle: number;
  /**
   * Display window relative to the automatic one (the image's 1st–99.5th
   * percentile, as X-ray consoles window): [black, white] offsets as fractions
   * of that range.
   */
  readonly window: readonly [number, number];
  /** Display gamma. */
  readonly gamma: number;
  /** Detector blur (Gaussian sigma in output pixels, 0 = sharp). */
  readonly blur: number;
}

/**
 * Draws a random view. Skull films are taken in standard projections, so the
 * view is frontal (AP or PA) or lateral (left or right), give or take a
 * positioning error of up to `jitter` precomputed angle steps; `angles` is
 * the number of precomputed angles around the body axis (a multiple of 4).
 */
export function sampleView(rng: Rng, angles: number, jitter = 2): View {
  const between = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  const standard = (rng.int(4) * angles) / 4;
  return {
    angleIndex: (standard + rng.int(2 * jitter + 1) - jitter + angles) % angles,
    fieldOfView: between(200, 245),
    tilt: Math.max(-0.25, Math.min(0.25, 0.1 * rng.normal())),
    stretch: [between(0.88, 1.12), between(0.88, 1.12)],
    shift: [between(-15, 15), between(-15, 15)],
    mirror: rng.next() < 0.5,
    boneWeight: between(0.6, 1.4),
    photons: Math.exp(between(Math.log(2_000), Math.log(30_000))),
    heel: between(0, 0.3),
    heelAngle: between(0, 2 * Math.PI),
    window: [between(-0.15, 0.15), between(-0.1, 0.15)],
    gamma: between(0.8, 1.25),
    blur: rng.next() < 0.5 ? 0 : between(0.4, 1.2),
  };
}
