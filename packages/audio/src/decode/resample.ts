import { ConfigError } from "@graft/core";

/** Options of {@link resample}. */
export interface ResampleOptions {
  /**
   * Zero crossings of the sinc on each side of a tap; more is a sharper low-pass and a slower resample.
   * @default 32
   */
  zeroCrossings?: number;
  /**
   * Cut-off as a fraction of the lower Nyquist frequency (the rest is the transition band).
   * @default 0.94
   */
  rolloff?: number;
  /**
   * Kaiser window β: ≈ 8.6 gives about 90 dB of stop-band attenuation.
   * @default 8.6
   */
  beta?: number;
}

// Past this many precomputed taps the polyphase table costs more than it saves.
const MAX_TABLE = 2_000_000;

/**
 * Resamples `samples` from `fromRate` to `toRate` Hz with a Kaiser-windowed
 * sinc low-pass at the lower of the two Nyquist frequencies, so downsampling
 * does not alias. Rational ratios (44.1 kHz → 16 kHz is 160/441) use a
 * precomputed polyphase filter table. Returns a new array.
 */
export function resample(
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  { zeroCrossings = 32, rolloff = 0.94, beta = 8.6 }: ResampleOptions = {},
): Float32Array {
  for (const [label, rate] of [["fromRate", fromRate], ["toRate", toRate]] as const) {
    if (!Number.isInteger(rate) || rate <= 0) {
      throw new ConfigError(`resample: ${label} must be a positive integer number of Hz, got ${rate}.`);
    }
  }
  if (fromRate === toRate) return samples.slice();
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor;
  const down = fromRate / divisor;
  // Cut-off in cycles per input sample, relative to the input Nyquist.
  const cutoff = Math.min(1, toRate / fromRate) * rolloff;
  const half = Math.ceil(zeroCrossings / cutoff);
  const width = 2 * half;
  const outLength = Math.ceil((samples.length * up) / down);
  const out = new Float32Array(outLength);
  const table = up * width <= MAX_TABLE ? new Float32Array(up * width) : undefined;
  if (table) {
    for (let phase = 0; phase < up; phase++) {
      fillTaps(table.subarray(phase * width, (phase + 1) * width), phase / up, half, cutoff, beta);
    }
  }
  const scratch = new Float32Array(width);
  for (let n = 0; n < outLength; n++) {
    const base = Math.floor((n * down) / up);
    const phase = (n * down) % up;
    let taps: Float32Array;
    if (table) taps = table.subarray(phase * width, (phase + 1) * width);
    else {
      fillTaps(scratch, phase / up, half, cutoff, beta);
      taps = scratch;
    }
    // Tap j multiplies input sample base - half + 1 + j; outside the signal is silence.
    const first = base - half + 1;
    const lo = Math.max(0, -first);
    const hi = Math.min(width, samples.length - first);
    let acc = 0;
    for (let j = lo; j < hi; j++) acc += (taps[j] as number) * (samples[first + j] as number);
    out[n] = acc;
  }
  return out;
}

function fillTaps(taps: Float32Array, frac: number, half: number, cutoff: number, beta: number): void {
  const norm = besselI0(beta);
  let sum = 0;
  for (let j = 0; j < taps.length; j++) {
    const t = frac + half - 1 - j;
    const x = t / half;
    const window = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / norm;
    const h = cutoff * sinc(cutoff * t) * window;
    taps[j] = h;
    sum += h;
  }
  // Unit gain at DC for every phase, so a constant stays constant.
  for (let j = 0; j < taps.length; j++) taps[j] = (taps[j] as number) / sum;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
