import { decodeWav, mixNoise, resample } from "@graft/audio";

import type { Random } from "./noise.js";
import { reverberate, roomImpulse } from "./reverb.js";

/** How a clean utterance is turned into a training or test clip. */
export interface ClipAugmentation {
  /** Share of clips convolved with a random room. @default 0.5 */
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

const uniform = (random: Random, [lo, hi]: readonly [number, number]): number =>
  lo + random() * (hi - lo);

/**
 * Reads an espeak-ng WAV, resamples it to `sampleRate` and cuts the silence
 * espeak-ng leaves around the speech (frames 40 dB below the loudest one).
 */
export async function loadSpeech(path: string, sampleRate: number): Promise<Float32Array> {
  const decoded = await decodeWav(path);
  const samples =
    decoded.sampleRate === sampleRate
      ? decoded.samples
      : resample(decoded.samples, decoded.sampleRate, sampleRate);
  return trimSilence(samples, sampleRate);
}

/** `samples` without the leading and trailing 10 ms frames that are 40 dB below the loudest frame. */
export function trimSilence(
  samples: Float32Array,
  sampleRate: number,
  floorDb = -40,
): Float32Array {
  const frame = Math.max(1, Math.round(sampleRate / 100));
  const frames = Math.ceil(samples.length / frame);
  const energy = new Float64Array(frames);
  for (let i = 0; i < samples.length; i++)
    energy[Math.floor(i / frame)] =
      (energy[Math.floor(i / frame)] as number) + (samples[i] as number) ** 2;
  const loudest = Math.max(...energy);
  if (loudest === 0) return samples.slice(0, 0);
  const floor = loudest * 10 ** (floorDb / 10);
  let first = 0;
  while (first < frames && (energy[first] as number) < floor) first++;
  let last = frames - 1;
  while (last > first && (energy[last] as number) < floor) last--;
  return samples.slice(first * frame, Math.min(samples.length, (last + 1) * frame));
}

/**
 * One augmented rendition of `speech`: a random level, maybe a room
 * (its reverberant tail kept), placed at a random offset in `length`
 * samples (the speech stays whole when it fits; longer speech keeps its
 * middle), then maybe background noise from `beds` at a random SNR.
 */
export function speechClip(
  speech: Float32Array,
  length: number,
  sampleRate: number,
  beds: readonly Float32Array[],
  random: Random,
  options: ClipAugmentation = {},
): Float32Array {
  const {
    reverbProbability = 0.5,
    rt60 = [0.15, 0.6],
    noiseProbability = 0.85,
    snrDb = [0, 25],
    peak = [0.1, 0.9],
  } = options;
  let voiced = withPeak(speech, uniform(random, peak));
  if (random() < reverbProbability) {
    const room = uniform(random, rt60);
    const padded = new Float32Array(voiced.length + Math.round(room * sampleRate * 0.5));
    padded.set(voiced);
    voiced = reverberate(
      padded,
      roomImpulse(room, sampleRate, random, { wet: 0.2 + random() * 0.5 }),
    );
  }
  const clip = new Float32Array(length);
  const slack = length - voiced.length;
  if (slack >= 0) clip.set(voiced, Math.floor(random() * (slack + 1)));
  else clip.set(voiced.subarray(Math.floor(-slack / 2), Math.floor(-slack / 2) + length));
  if (random() >= noiseProbability) return clip;
  return mixNoise(clip, pickBed(beds, random), uniform(random, snrDb), random);
}

/** A clip of background noise alone, a random mixture of the beds at a random level. */
export function noiseClip(
  length: number,
  beds: readonly Float32Array[],
  random: Random,
): Float32Array {
  const out = new Float32Array(length);
  for (const bed of beds) {
    const gain = random() * random() * 2;
    const offset = Math.floor(random() * Math.max(1, bed.length - length));
    for (let i = 0; i < length; i++)
      out[i] = (out[i] as number) + gain * (bed[(offset + i) % bed.length] as number);
  }
  return out;
}

/** A copy of `samples` scaled so its largest magnitude is `peak`. */
export function withPeak(samples: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (let i = 0; i < samples.length; i++) max = Math.max(max, Math.abs(samples[i] as number));
  return max === 0 ? samples.slice() : samples.map((v) => (v * peak) / max);
}

function pickBed(beds: readonly Float32Array[], random: Random): Float32Array {
  return beds[Math.floor(random() * beds.length)] as Float32Array;
}
