import { ConfigError } from "@graft/core";

import type { Rng } from "./rng.js";
import { randomInt } from "./rng.js";

function power(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
  return samples.length === 0 ? 0 : sum / samples.length;
}

/**
 * Adds `noise` to `signal` at a signal-to-noise ratio of `snrDb` (mean power
 * ratio in dB). The noise starts at a random offset drawn from `rng` and
 * loops when it is shorter than the signal. A silent signal or silent noise
 * leaves the signal unchanged. Returns a new array.
 */
export function mixNoise(
  signal: Float32Array,
  noise: Float32Array,
  snrDb: number,
  rng: Rng,
): Float32Array {
  if (noise.length === 0) throw new ConfigError("mixNoise: the noise has no samples.");
  const out = signal.slice();
  const signalPower = power(signal);
  const offset = randomInt(rng, 0, noise.length - 1);
  let noisePower = 0;
  for (let i = 0; i < signal.length; i++)
    noisePower += (noise[(offset + i) % noise.length] as number) ** 2;
  noisePower /= Math.max(1, signal.length);
  if (signalPower === 0 || noisePower === 0) return out;
  const scale = Math.sqrt(signalPower / (noisePower * 10 ** (snrDb / 10)));
  for (let i = 0; i < out.length; i++)
    out[i] = (out[i] as number) + scale * (noise[(offset + i) % noise.length] as number);
  return out;
}

/** Multiplies `signal` by `db` decibels of gain, clipping to [-1, 1]. Returns a new array. */
export function applyGain(signal: Float32Array, db: number): Float32Array {
  const factor = 10 ** (db / 20);
  return signal.map((v) => Math.max(-1, Math.min(1, v * factor)));
}

/**
 * Shifts `signal` by `samples` (positive = later), filling with silence and
 * keeping the length. Returns a new array.
 */
export function timeShift(signal: Float32Array, samples: number): Float32Array {
  const shift = Math.trunc(samples);
  const out = new Float32Array(signal.length);
  if (Math.abs(shift) >= signal.length) return out;
  if (shift >= 0) out.set(signal.subarray(0, signal.length - shift), shift);
  else out.set(signal.subarray(-shift));
  return out;
}

/** Options of {@link augmentWaveform}; each step is skipped when its option is missing. */
export interface WaveformAugmentOptions {
  /** Background noise to mix in. */
  noise?: Float32Array;
  /** SNR range in dB for `noise`. @default [5, 20] */
  snrDb?: readonly [number, number];
  /** Gain range in dB. */
  gainDb?: readonly [number, number];
  /** Largest shift, in samples, either way. */
  maxShift?: number;
}

/** Random shift, gain and noise from `rng`, in that order: one augmented copy of `signal`. */
export function augmentWaveform(
  signal: Float32Array,
  rng: Rng,
  options: WaveformAugmentOptions = {},
): Float32Array {
  const { noise, snrDb = [5, 20], gainDb, maxShift } = options;
  let out = signal;
  if (maxShift !== undefined && maxShift > 0)
    out = timeShift(out, randomInt(rng, -maxShift, maxShift));
  if (gainDb) out = applyGain(out, gainDb[0] + rng() * (gainDb[1] - gainDb[0]));
  if (noise) out = mixNoise(out, noise, snrDb[0] + rng() * (snrDb[1] - snrDb[0]), rng);
  return out === signal ? signal.slice() : out;
}
