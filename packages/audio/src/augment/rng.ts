/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * A fast seeded generator (mulberry32): the same seed always gives the same augmentations.
 *
 * Why not core's `createRng`: it runs the same mulberry32 step but returns an
 * object (`next`, `int`, `shuffle`, `normal`) and mixes the seed first, so the
 * same seed gives another sequence. Every augmentation here, and the wake-word
 * example's corpus and its documented numbers, take this bare function and its
 * exact sequences; re-exporting core's would change the `Rng` type and the data.
 */
export function createRng(seed = 1): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [min, max]. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** A uniform number in [min, max). */
export function randomUniform(rng: Rng, min: number, max: number): number {
  return min + rng() * (max - min);
}
