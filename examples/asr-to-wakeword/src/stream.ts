import type { Rng as Random } from "@graft/audio";
import {
  extractFeatures,
  frameCount,
  inRoom,
  loadAudio,
  trimSilence,
  withPeak,
} from "@graft/audio";

import type { SpokenUtterance } from "./corpus/synthesise.js";
import { FEATURES } from "./features.js";

const RATE = FEATURES.sampleRate;

/**
 * A long recording with no wake phrase in it: `minutes` of drifting
 * background noise (the three colours, levels changing every 4 s) with the
 * given utterances spoken over it one after another, 0.3–2.5 s apart (and now
 * and then 3–8 s of noise alone), each at its own level and in its own room.
 * When the utterances run out they are reused with new levels and rooms.
 * `ready(i)`, when given, is awaited before utterance `i` is read (it may
 * synthesise it then).
 */
export async function negativeStream(
  utterances: readonly SpokenUtterance[],
  minutes: number,
  beds: readonly Float32Array[],
  random: Random,
  spacing: StreamSpacing = {},
  ready?: (index: number) => Promise<void>,
): Promise<{ samples: Float32Array; placements: Placement[] }> {
  const { pause = 0.1, gap = [0.3, 2.5] } = spacing;
  const stream = new Float32Array(Math.round(minutes * 60 * RATE));
  addBackground(stream, beds, random);
  const placements: Placement[] = [];
  let at = 0;
  for (let i = 0; ; i++) {
    at += Math.round(
      RATE * (random() < pause ? 3 + random() * 5 : gap[0] + random() * (gap[1] - gap[0])),
    );
    if (at >= stream.length) break;
    await ready?.(i % utterances.length);
    const utterance = utterances[i % utterances.length] as SpokenUtterance;
    let speech = withPeak(await loadSpeech(utterance.path, RATE), 0.2 + random() * 0.7);
    if (random() < 0.5) speech = inRoom(speech, 0.15 + random() * 0.45, RATE, random);
    const end = Math.min(stream.length, at + speech.length);
    for (let k = at; k < end; k++) stream[k] = (stream[k] as number) + (speech[k - at] as number);
    placements.push({ start: at / RATE, end: end / RATE, text: utterance.text });
    at = end;
  }
  return { samples: stream, placements };
}

/** How far apart a negative stream's utterances are. */
export interface StreamSpacing {
  /** Share of gaps that are 3–8 s of noise alone. @default 0.1 */
  readonly pause?: number;
  /** Range of the other gaps, in seconds. @default [0.3, 2.5] */
  readonly gap?: readonly [number, number];
}

/** A synthesised utterance at `sampleRate`, without the silence around it. */
export async function loadSpeech(path: string, sampleRate: number): Promise<Float32Array> {
  return trimSilence(await loadAudio(path, sampleRate), sampleRate);
}

/** Where an utterance was spoken in a stream, in seconds. */
export interface Placement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** What was being said around `time` (the utterance overlapping the second around it most), or "(noise only)". */
export function spokenAround(placements: readonly Placement[], time: number): string {
  let best = "(noise only)";
  let most = 0;
  for (const p of placements) {
    const overlap = Math.min(p.end, time + 0.5) - Math.max(p.start, time - 0.5);
    if (overlap > most) {
      most = overlap;
      best = p.text;
    }
  }
  return best;
}

/**
 * A `seconds`-long segment of noise with `speech` somewhere in it (whole,
 * at least 0.1 s from either edge): how a positive looks to a detector
 * sliding over a stream.
 */
export function positiveSegment(
  speech: Float32Array,
  seconds: number,
  beds: readonly Float32Array[],
  random: Random,
): Float32Array {
  const segment = new Float32Array(Math.round(seconds * RATE));
  addBackground(segment, beds, random);
  const margin = Math.round(0.1 * RATE);
  const room = Math.max(0, segment.length - speech.length - 2 * margin);
  addSpeech(
    segment,
    speech,
    Math.min(segment.length - 1, margin + Math.floor(random() * (room + 1))),
  );
  return segment;
}

/** `length` samples of drifting background noise with `speech` added from sample `at` on (cut at the end). */
export function placedSegment(
  speech: Float32Array,
  length: number,
  at: number,
  beds: readonly Float32Array[],
  random: Random,
): Float32Array {
  const segment = new Float32Array(length);
  addBackground(segment, beds, random);
  addSpeech(segment, speech, at);
  return segment;
}

function addSpeech(segment: Float32Array, speech: Float32Array, at: number): void {
  const end = Math.min(segment.length, at + speech.length);
  for (let k = Math.max(0, at); k < end; k++)
    segment[k] = (segment[k] as number) + (speech[k - at] as number);
}

/** Raw (unnormalised) features of a whole recording: `frameCount` frames × bands, frame-major. */
export function recordingFeatures(samples: Float32Array): {
  features: Float32Array;
  frames: number;
} {
  return {
    features: extractFeatures(samples, FEATURES),
    frames: frameCount(samples.length, FEATURES),
  };
}

function addBackground(out: Float32Array, beds: readonly Float32Array[], random: Random): void {
  const block = 4 * RATE;
  for (const bed of beds) {
    const offset = Math.floor(random() * bed.length);
    let from = random() * 0.3;
    let to = random() * 0.3;
    for (let i = 0; i < out.length; i++) {
      if (i % block === 0) {
        from = to;
        to = random() * random() * 0.3;
      }
      const gain = from + ((to - from) * (i % block)) / block;
      out[i] = (out[i] as number) + gain * (bed[(offset + i) % bed.length] as number);
    }
  }
}
