/** A seeded source of randomness: the same seed gives the same sequence on every machine. */
export interface Rng {
  /** The seed this generator started from. */
  readonly seed: number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  /** Standard normal sample (mean 0, variance 1). */
  normal(): number;
}

const TWO_POW_32 = 4294967296;

/**
 * Creates a small, fast, seeded PRNG (mulberry32: a 32-bit state advanced by a
 * Weyl sequence and scrambled by two multiply-xorshift rounds). Good enough for
 * shuffles, splits and augmentation; not for cryptography.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed))
    throw new TypeError(`createRng: seed must be a finite number, got ${seed}`);
  // Mix the seed once so nearby seeds (0, 1, 2) start far apart.
  let state = mix(Math.trunc(seed) | 0);
  let spare: number | undefined;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`rng.int(n): n must be a positive integer, got ${n}`);
    return Math.floor(next() * n);
  };

  return {
    seed,
    next,
    int,
    shuffle<T>(array: T[]): T[] {
      for (let i = array.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = array[i] as T;
        array[i] = array[j] as T;
        array[j] = tmp;
      }
      return array;
    },
    normal(): number {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      // Box–Muller; 1 - next() is in (0, 1], so the log is finite.
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
}

function mix(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}
