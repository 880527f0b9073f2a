import type { Detection } from "@graft/audio";
import { createRng, StreamingDetector, withPeak } from "@graft/audio";

import type { SpokenUtterance } from "./corpus/synthesise.js";
import { FEATURES } from "./features.js";
import { preprocessorFor } from "./pretrain.js";
import { loadSpeech, positiveSegment } from "./stream.js";
import type { WakeModel } from "./wakeword.js";

const RATE = FEATURES.sampleRate;

/** A short recording: speech with the wake phrase planted at known times. */
export interface DemoRecording {
  readonly samples: Float32Array;
  /** Centre of each planted wake phrase, in seconds. */
  readonly planted: readonly number[];
}

/**
 * Lays out `utterances` one after another, 1 s apart, over noise; the ones
 * saying `wakePhrase` are remembered as planted.
 */
export async function demoRecording(
  utterances: readonly SpokenUtterance[],
  wakePhrase: string,
  beds: readonly Float32Array[],
  seed: number,
): Promise<DemoRecording> {
  const random = createRng(seed);
  const parts: Float32Array[] = [];
  const planted: number[] = [];
  let at = 0;
  for (const u of utterances) {
    const speech = withPeak(await loadSpeech(u.path, RATE), 0.5);
    const part = positiveSegment(speech, speech.length / RATE + 1, beds, random);
    if (u.text === wakePhrase) planted.push(at + part.length / RATE / 2);
    parts.push(part);
    at += part.length / RATE;
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    samples.set(p, offset);
    offset += p.length;
  }
  return { samples, planted };
}

/**
 * Feeds the recording to a {@link StreamingDetector} in 250 ms chunks, as a
 * microphone would, with the model's own (saved) preprocessor computing
 * features window by window.
 */
export async function runLiveDemo(
  model: WakeModel,
  recording: DemoRecording,
  options: { threshold: number; smoothing: number },
): Promise<Detection[]> {
  const detector = new StreamingDetector(
    { model: model.transfer.model, preprocessor: preprocessorFor(model.stats) },
    {
      sampleRate: RATE,
      threshold: options.threshold,
      smoothing: options.smoothing,
      refractorySeconds: 1,
    },
  );
  const chunk = RATE / 4;
  for (let at = 0; at < recording.samples.length; at += chunk)
    await detector.push(recording.samples.subarray(at, at + chunk));
  return detector.detections;
}
