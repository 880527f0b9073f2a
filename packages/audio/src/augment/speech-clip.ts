import type { Rng } from "./rng.js";
import { randomUniform } from "./rng.js";
import { reverberate, roomImpulse } from "./reverb.js";
import { mixNoise } from "./waveform.js";

/** How {@link speechClip} turns a clean utterance into a training or test clip. */
export interface SpeechClipOptions {
  /** Share of clips put in a random room. @default 0.5 */
  readonly reverbProbability?: number;
  /** Range of the rooms' RT60 in seconds. @default [0.15, 0.6] */
  readonly rt60?: readonly [number, number];
  /** Share of clips with background noise. @default 0.85 */
  readonly noiseProbability?: number;
  /** Signal-to-noise range in dB. @default [0, 25] */
  readonly snrDb?: readonly [number, number];
  /** Peak level range of the speech (linear, full scale = 1). @default [0.1, 0.9] */
  readonly peak?: readonly [number, number];
}

/**
 * `samples` without the leading and trailing 10 ms frames whose energy is
 * `floorDb` below the loudest frame's (the silence synthesisers leave around
 * speech). All-silent input gives an empty array.
 */
export function trimSilence(
  samples: Float32Array,
  sampleRate: number,
  floorDb = -40,
): Float32Array {
  const frame = Math.max(1, Math.round(sampleRate / 100));
  const frames = Math.ceil(samples.length / frame);
  const energy = new Float64Array(frames);
  for (let i = 0; i < samples.length; i++) {
    const f = Math.floor(i / frame);
    energy[f] = (energy[f] as number) + (samples[i] as number) ** 2;
  }
  let loudest = 0;
  for (const e of energy) loudest = Math.max(loudest, e);
  if (loudest === 0) return samples.slice(0, 0);
  const floor = loudest * 10 ** (floorDb / 10);
  let first = 0;
  while (first < frames && (energy[first] as number) < floor) first++;
  let last = frames - 1;
  while (last > first && (energy[last] as number) < floor) last--;
  return samples.slice(first * frame, Math.min(samples.length, (last + 1) * frame));
}

/** A copy of `samples` scaled so its largest magnitude is `peak` (silence stays silent). */
export function withPeak(samples: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (let i = 0; i < samples.length; i++) max = Math.max(max, Math.abs(samples[i] as number));
  return max === 0 ? samples.slice() : samples.map((v) => (v * peak) / max);
}

/** `speech` in a random room of RT60 `rt60` seconds, its reverberant tail kept (the array grows by half the RT60). */
export function inRoom(
  speech: Float32Array,
  rt60: number,
  sampleRate: number,
  rng: Rng,
): Float32Array {
  const padded = new Float32Array(speech.length + Math.round(rt60 * sampleRate * 0.5));
  padded.set(speech);
  return reverberate(padded, roomImpulse(rt60, sampleRate, rng, { wet: 0.2 + rng() * 0.5 }));
}

/**
 * One augmented rendition of `speech`, `length` samples long: a random peak
 * level, maybe a room, a random offset (speech that fits stays whole, longer
 * speech keeps its middle), then maybe noise from one of `beds` at a random SNR.
 */
export function speechClip(
  speech: Float32Array,
  length: number,
  sampleRate: number,
  beds: readonly Float32Array[],
  rng: Rng,
  options: SpeechClipOptions = {},
): Float32Array {
  const {
    reverbProbability = 0.5,
    rt60 = [0.15, 0.6],
    noiseProbability = 0.85,
    snrDb = [0, 25],
    peak = [0.1, 0.9],
  } = options;
  let voiced = withPeak(speech, randomUniform(rng, peak[0], peak[1]));
  if (rng() < reverbProbability)
    voiced = inRoom(voiced, randomUniform(rng, rt60[0], rt60[1]), sampleRate, rng);
  const clip = new Float32Array(length);
  const slack = length - voiced.length;
  if (slack >= 0) clip.set(voiced, Math.floor(rng() * (slack + 1)));
  else clip.set(voiced.subarray(Math.floor(-slack / 2), Math.floor(-slack / 2) + length));
  if (rng() >= noiseProbability || beds.length === 0) return clip;
  const bed = beds[Math.floor(rng() * beds.length)] as Float32Array;
  return mixNoise(clip, bed, randomUniform(rng, snrDb[0], snrDb[1]), rng);
}

/** `length` samples of background alone: a random mixture of `beds`, each at a random level. */
export function noiseClip(length: number, beds: readonly Float32Array[], rng: Rng): Float32Array {
  const out = new Float32Array(length);
  for (const bed of beds) {
    const gain = rng() * rng() * 2;
    const offset = Math.floor(rng() * Math.max(1, bed.length - length));
    for (let i = 0; i < length; i++)
      out[i] = (out[i] as number) + gain * (bed[(offset + i) % bed.length] as number);
  }
  return out;
}
