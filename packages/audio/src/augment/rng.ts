/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** A fast seeded generator (mulberry32): the same seed always gives the same augmentations. */
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
