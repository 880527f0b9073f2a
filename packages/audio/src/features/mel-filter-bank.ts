/** Hz → mel (HTK formula: 2595 · log10(1 + f / 700)). */
export function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

/** Mel → Hz, the inverse of {@link hzToMel}. */
export function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

/** One triangular filter, stored sparsely: weights of bins `start … start + weights.length - 1`. */
export interface MelFilter {
  readonly start: number;
  readonly weights: Float32Array;
  /** Centre frequency in Hz. */
  readonly center: number;
}

/** Options of {@link melFilterBank}. */
export interface MelFilterBankOptions {
  readonly sampleRate: number;
  /** FFT length; the spectrum has `fftSize / 2` bins (meyda drops the Nyquist bin). */
  readonly fftSize: number;
  readonly bands: number;
  readonly fMin: number;
  readonly fMax: number;
}

const cache = new Map<string, readonly MelFilter[]>();

/**
 * Triangular filters with peak 1, centres equally spaced on the mel scale
 * between `fMin` and `fMax`, evaluated at the exact bin frequencies (not
 * rounded to bins). A filter narrower than a bin gets its nearest bin, so no
 * band is ever empty. Cached per configuration.
 */
export function melFilterBank(options: MelFilterBankOptions): readonly MelFilter[] {
  const { sampleRate, fftSize, bands, fMin, fMax } = options;
  const key = `${sampleRate}/${fftSize}/${bands}/${fMin}/${fMax}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const bins = fftSize / 2;
  const binHz = sampleRate / fftSize;
  const lo = hzToMel(fMin);
  const step = (hzToMel(fMax) - lo) / (bands + 1);
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + i * step));
  const filters: MelFilter[] = [];
  for (let b = 0; b < bands; b++) {
    const left = edges[b] as number;
    const center = edges[b + 1] as number;
    const right = edges[b + 2] as number;
    const first = Math.max(0, Math.ceil(left / binHz));
    const last = Math.min(bins - 1, Math.floor(right / binHz));
    const weights: number[] = [];
    for (let k = first; k <= last; k++) {
      const f = k * binHz;
      weights.push(Math.max(0, Math.min((f - left) / (center - left), (right - f) / (right - center))));
    }
    if (weights.every((w) => w === 0)) {
      filters.push({ start: Math.min(bins - 1, Math.round(center / binHz)), weights: Float32Array.of(1), center });
    } else {
      filters.push({ start: first, weights: Float32Array.from(weights), center });
    }
  }
  cache.set(key, filters);
  return filters;
}
