import type { Rng } from "./rng.js";

/** A sparse room impulse response: tap delays (samples) and gains, the direct path excluded. */
export interface ImpulseResponse {
  readonly delays: Int32Array;
  readonly gains: Float32Array;
}

/** Options of {@link roomImpulse}. */
export interface RoomImpulseOptions {
  /** Taps per second of the tail. @default 1500 */
  readonly density?: number;
  /** Energy of the reverberant tail relative to the direct path (amplitude ratio). @default 0.4 */
  readonly wet?: number;
}

/**
 * A decaying-noise room response in a cheap sparse form ("velvet noise"):
 * one random ±1 tap per `1 / density` seconds, at a random spot in its slot,
 * under an exponential envelope that falls 60 dB in `rt60` seconds. It sounds
 * like a dense noise tail but costs one multiply-add per tap and sample.
 */
export function roomImpulse(
  rt60: number,
  sampleRate: number,
  rng: Rng,
  { density = 1500, wet = 0.4 }: RoomImpulseOptions = {},
): ImpulseResponse {
  const length = Math.round(rt60 * sampleRate);
  const slot = sampleRate / density;
  const count = Math.max(1, Math.floor(length / slot));
  const delays = new Int32Array(count);
  const gains = new Float32Array(count);
  // The tail's energy is normalised so `wet` sets the reverberant-to-direct ratio whatever the room.
  let energy = 0;
  for (let k = 0; k < count; k++) {
    const delay = Math.max(1, Math.floor(k * slot + rng() * slot));
    const envelope = Math.exp((-6.9 * delay) / length);
    delays[k] = delay;
    gains[k] = (rng() < 0.5 ? -1 : 1) * envelope;
    energy += envelope * envelope;
  }
  const scale = wet / Math.sqrt(energy);
  for (let k = 0; k < count; k++) gains[k] = (gains[k] as number) * scale;
  return { delays, gains };
}

/** `samples` through the direct path plus `ir`, same length (the tail past the end is cut). Returns a new array. */
export function reverberate(samples: Float32Array, ir: ImpulseResponse): Float32Array {
  const out = samples.slice();
  const { delays, gains } = ir;
  for (let k = 0; k < delays.length; k++) {
    const d = delays[k] as number;
    const g = gains[k] as number;
    for (let n = d; n < out.length; n++)
      out[n] = (out[n] as number) + g * (samples[n - d] as number);
  }
  return out;
}
