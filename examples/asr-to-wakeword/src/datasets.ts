import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

import type { SpeechClipOptions } from "@graft/audio";
import {
  createRng as createRandom,
  featureSpec,
  frameCount,
  noiseBeds,
  noiseClip,
  speechClip,
} from "@graft/audio";
import { FeatureCache, stratifiedSplit } from "@graft/core";

import type { SetSizes } from "./corpus/sets.js";
import {
  allTestPositiveUtterances,
  pretrainUtterances,
  streamUtterances,
  testPositiveUtterances,
  wakeTrainUtterances,
} from "./corpus/sets.js";
import type { SpokenUtterance, Utterance } from "./corpus/synthesise.js";
import { clipsFor, synthesise } from "./corpus/synthesise.js";
import { TRANSCRIPTS, WAKE_PHRASE } from "./corpus/vocabulary.js";
import type { VoiceSplit } from "./corpus/voices.js";
import { cacheKey, clipsToFeatures, FEATURES } from "./features.js";
import type { DemoRecording } from "./live-demo.js";
import { demoRecording } from "./live-demo.js";
import type { Placement } from "./stream.js";
import { loadSpeech, negativeStream, positiveSegment, recordingFeatures } from "./stream.js";

const RATE = FEATURES.sampleRate;
const CLIP = RATE * FEATURES.clipSeconds;
/** Seconds of each held-out positive segment a detector slides over. */
export const SEGMENT_SECONDS = 2;
// Bump when the way clips (or streams and segments) are rendered changes, so stale feature caches are ignored.
const RENDER_VERSION = 1;
const STREAM_VERSION = 2;

const TASK_A_AUGMENTATION: SpeechClipOptions = { snrDb: [5, 30], noiseProbability: 0.8 };
const TASK_B_AUGMENTATION: SpeechClipOptions = { snrDb: [3, 25], noiseProbability: 0.85 };

/** Where things go and what the sets are made of. */
export interface DataContext {
  readonly sizes: SetSizes & { readonly noiseClips: number };
  readonly voices: VoiceSplit;
  readonly seed: number;
  readonly corpusDir: string;
  readonly cacheDir: string;
  readonly log: (line: string) => void;
}

/** Clips as raw log-mel features with their labels. */
export interface ClipSet {
  /** `count × frames × bands`, unnormalised. */
  readonly features: Float32Array;
  readonly labels: number[];
  readonly count: number;
  /** Seconds of audio the clips hold. */
  readonly seconds: number;
}

/** A recording (stream or positive segments) as raw log-mel features. */
export interface Recording {
  readonly features: Float32Array;
  readonly frames: number;
  readonly seconds: number;
  /** For streams: what was said where, to name what a false accept heard. */
  readonly placements?: readonly Placement[];
}

// Training noise and test noise come from different seeds: no test clip hears a training noise sample.
export const trainBeds: readonly Float32Array[] = noiseBeds(20, RATE, createRandom(101));
export const testBeds: readonly Float32Array[] = noiseBeds(20, RATE, createRandom(202));

/**
 * Starts synthesising the log-mel routes' speech in the background, one
 * espeak-ng process at a time, while the embedding route computes on the main
 * thread: task A's words (when `taskA`), task B's clips and the calibration
 * stream, in the order those routes need them. Their own {@link speak} calls
 * later find the clips made, or wait for the ones still in flight. Resolves
 * with the count synthesised; never rejects (a failure shows again, with its
 * message, when a route asks for the clips).
 */
export async function prefetchLogMelSpeech(
  ctx: DataContext,
  taskA: boolean,
): Promise<{ synthesised: number; seconds: number }> {
  const started = performance.now();
  const { positives, negatives } = wakeTrainUtterances(ctx.sizes, ctx.voices, ctx.seed + 1);
  const sets: [string, Utterance[]][] = [
    ...(taskA
      ? [["task-a", pretrainUtterances(ctx.sizes, ctx.voices, ctx.seed)] as [string, Utterance[]]]
      : []),
    ["task-b", [...positives, ...negatives]],
    ["calibration-stream", streamSpeech(ctx, "calibration-stream", ctx.sizes.calibrationMinutes)],
  ];
  let synthesised = 0;
  try {
    for (const [name, utterances] of sets)
      synthesised += (await synthesise(utterances, { dir: ctx.corpusDir, name, concurrency: 1 }))
        .synthesised;
  } catch {
    // Reported by the route that needs the clip.
  }
  return { synthesised, seconds: (performance.now() - started) / 1000 };
}

/** Task A: every transcript spoken by the pre-training voices, augmented; labels index {@link TRANSCRIPTS}. */
export async function taskAData(ctx: DataContext): Promise<ClipSet> {
  const clips = await speak(ctx, "task-a", pretrainUtterances(ctx.sizes, ctx.voices, ctx.seed));
  const labels = clips.map((c) => TRANSCRIPTS.indexOf(c.text));
  const features = await clipFeatures(ctx, "task-a", clips, (speech, random) =>
    speechClip(speech, CLIP, RATE, trainBeds, random, TASK_A_AUGMENTATION),
  );
  return { features, labels, count: clips.length, seconds: clips.length * FEATURES.clipSeconds };
}

/** Task B's training clips (wake phrase = 1, near misses, other words and noise = 0) and a stratified validation split. */
export async function taskBData(ctx: DataContext): Promise<
  ClipSet & {
    train: number[];
    validation: number[];
    positives: number;
    validationPositives: SpokenUtterance[];
  }
> {
  const { positives, negatives } = wakeTrainUtterances(ctx.sizes, ctx.voices, ctx.seed + 1);
  const clips = await speak(ctx, "task-b", [...positives, ...negatives]);
  const speech = await clipFeatures(ctx, "task-b", clips, (s, random) =>
    speechClip(s, CLIP, RATE, trainBeds, random, TASK_B_AUGMENTATION),
  );
  const noiseKey = cacheKey("task-b-noise", ctx.sizes.noiseClips, ctx.seed, RENDER_VERSION);
  const random = createRandom(ctx.seed + 7);
  const noise = await new FeatureCache(ctx.cacheDir).floats(noiseKey, () =>
    clipsToFeatures(ctx.sizes.noiseClips, async () => noiseClip(CLIP, trainBeds, random)),
  );
  const features = new Float32Array(speech.length + noise.values.length);
  features.set(speech);
  features.set(noise.values, speech.length);
  const labels = [
    ...positives.map(() => 1),
    ...negatives.map(() => 0),
    ...Array.from({ length: ctx.sizes.noiseClips }, () => 0),
  ];
  const split = stratifiedSplit(labels, { validation: 0.15, seed: ctx.seed });
  const validationPositives = split.validation
    .filter((i) => i < positives.length)
    .map((i) => clips[i] as SpokenUtterance);
  return {
    features,
    labels,
    count: labels.length,
    seconds: labels.length * FEATURES.clipSeconds,
    train: split.train,
    validation: split.validation,
    positives: positives.length,
    validationPositives,
  };
}

/** Held-out positives by the test voices (espeak-ng and flite), each a 2 s segment of test noise with the phrase somewhere in it. */
export async function testPositiveSegments(
  ctx: DataContext,
): Promise<Recording & { count: number }> {
  const clips = await speak(
    ctx,
    "test-positives",
    allTestPositiveUtterances(ctx.sizes, ctx.voices, ctx.seed + 2),
  );
  return positiveSegments(ctx, "test-positives", clips, testBeds);
}

/** Task B's validation positives as 2 s segments (training noise): what the threshold is calibrated on. */
export async function calibrationPositiveSegments(
  ctx: DataContext,
  clips: readonly SpokenUtterance[],
): Promise<Recording & { count: number }> {
  return positiveSegments(ctx, "calibration-positives", clips, trainBeds);
}

/** A long negative stream: `minutes` of speech without the wake phrase, over drifting noise. */
export async function streamData(
  ctx: DataContext,
  name: "calibration-stream" | "test-stream",
  minutes: number,
): Promise<Recording> {
  const test = name === "test-stream";
  const clips = await speak(ctx, name, streamSpeech(ctx, name, minutes));
  const key = cacheKey(
    name,
    minutes,
    clips.map((c) => basename(c.path)),
    ctx.seed,
    STREAM_VERSION,
  );
  const placementsFile = join(ctx.cacheDir, `${name}.placements.json`);
  let placements: Placement[] | undefined;
  const { values } = await new FeatureCache(ctx.cacheDir).floats(key, async () => {
    const started = performance.now();
    const stream = await negativeStream(
      clips,
      minutes,
      test ? testBeds : trainBeds,
      createRandom(ctx.seed + (test ? 9 : 8)),
    );
    const { features } = recordingFeatures(stream.samples);
    placements = stream.placements;
    await writeFile(placementsFile, JSON.stringify(placements));
    ctx.log(
      `  ${name}: ${minutes} min rendered and its features computed once in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return features;
  });
  placements ??= JSON.parse(await readFile(placementsFile, "utf8")) as Placement[];
  const seconds = minutes * 60;
  return {
    features: values,
    frames: frameCount(Math.round(seconds * RATE), FEATURES),
    seconds,
    placements,
  };
}

/** What a log-mel negative stream says: the test stream by every voice, the calibration stream by the training voices. */
function streamSpeech(
  ctx: DataContext,
  name: "calibration-stream" | "test-stream",
  minutes: number,
): Utterance[] {
  const test = name === "test-stream";
  const { pretrain, wakeTrain, wakeTest } = ctx.voices;
  const variants = test ? [...pretrain, ...wakeTrain, ...wakeTest] : [...pretrain, ...wakeTrain];
  return streamUtterances(minutes, variants, ctx.seed + (test ? 5 : 4));
}

/** A ~20 s recording for the live demo: sentences by test voices with the wake phrase planted three times. */
export async function demoData(ctx: DataContext): Promise<DemoRecording> {
  const wake = testPositiveUtterances(
    { ...ctx.sizes, testPositives: 3 },
    ctx.voices,
    ctx.seed + 20,
  );
  const other = streamUtterances(0.3, ctx.voices.wakeTest, ctx.seed + 21).filter((u) =>
    u.text.includes(" "),
  );
  const order = [
    other[0],
    wake[0],
    other[1],
    other[2],
    wake[1],
    other[3],
    wake[2],
    other[4],
  ].filter((u): u is Utterance => u !== undefined);
  const clips = await speak(ctx, "live-demo", order);
  return demoRecording(clips, WAKE_PHRASE, testBeds, ctx.seed + 22);
}

async function positiveSegments(
  ctx: DataContext,
  name: string,
  clips: readonly SpokenUtterance[],
  beds: readonly Float32Array[],
): Promise<Recording & { count: number }> {
  const key = cacheKey(
    name,
    clips.map((c) => basename(c.path)),
    ctx.seed,
    STREAM_VERSION,
  );
  const random = createRandom(ctx.seed + name.length);
  const segmentFrames = frameCount(SEGMENT_SECONDS * RATE, FEATURES);
  const { values } = await new FeatureCache(ctx.cacheDir).floats(key, async () => {
    const out = new Float32Array(clips.length * segmentFrames * featureSpec(FEATURES).bands);
    for (let i = 0; i < clips.length; i++) {
      const speech = speechClip(
        await loadSpeech((clips[i] as SpokenUtterance).path, RATE),
        Math.round(0.95 * RATE),
        RATE,
        [],
        random,
        { noiseProbability: 0, peak: [0.2, 0.9] },
      );
      out.set(
        recordingFeatures(positiveSegment(speech, SEGMENT_SECONDS, beds, random)).features,
        i * segmentFrames * featureSpec(FEATURES).bands,
      );
    }
    return out;
  });
  return {
    features: values,
    frames: segmentFrames,
    seconds: clips.length * SEGMENT_SECONDS,
    count: clips.length,
  };
}

/** The WAV files of `utterances`, synthesised where missing, with progress in the log. */
export async function speak(
  ctx: DataContext,
  name: string,
  utterances: readonly Utterance[],
): Promise<SpokenUtterance[]> {
  const started = performance.now();
  const { clips, synthesised } = await synthesise(utterances, {
    dir: ctx.corpusDir,
    name,
    onProgress: (done, total, made) => {
      if (made > 0)
        ctx.log(
          `  ${name}: ${done}/${total} utterances ready (${made} synthesised with espeak-ng)`,
        );
    },
  });
  if (synthesised > 0)
    ctx.log(
      `  ${name}: synthesised ${synthesised} utterances in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  return clips;
}

/** Speech a stream synthesises as it goes: only the utterances it says are made. */
export interface SpeechOnDemand {
  /** Every utterance's clip (its WAV may not exist yet). */
  readonly clips: readonly SpokenUtterance[];
  /** Makes sure clip `index` exists (synthesising the next few at once). */
  readonly ready: (index: number) => Promise<void>;
  /** Logs how many were synthesised, if any. */
  readonly report: () => void;
}

/**
 * {@link speak} for a stream that may not say all of `utterances`: the clips
 * are synthesised in chunks of `chunk`, in order, as the stream reaches them
 * (an 8-minute stream says about 160 of the 1 200 utterances it draws from).
 */
export function speakOnDemand(
  ctx: DataContext,
  name: string,
  utterances: readonly Utterance[],
  chunk = 32,
): SpeechOnDemand {
  const clips = clipsFor(utterances, ctx.corpusDir);
  const started = performance.now();
  let made = 0;
  let synthesised = 0;
  return {
    clips,
    ready: async (index) => {
      while (index >= made && made < clips.length) {
        const next = utterances.slice(made, made + chunk);
        const dir = ctx.corpusDir;
        synthesised += (await synthesise(next, { dir, name, manifest: false })).synthesised;
        made += next.length;
      }
    },
    report: () => {
      if (synthesised > 0)
        ctx.log(
          `  ${name}: synthesised ${synthesised} of its ${clips.length} utterances (the ones the stream says) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
    },
  };
}

async function clipFeatures(
  ctx: DataContext,
  name: string,
  clips: readonly SpokenUtterance[],
  render: (speech: Float32Array, random: () => number) => Float32Array,
): Promise<Float32Array> {
  const key = cacheKey(
    name,
    clips.map((c) => basename(c.path)),
    ctx.seed,
    RENDER_VERSION,
  );
  const random = createRandom(ctx.seed * 31 + name.length);
  const started = performance.now();
  const { values, cached } = await new FeatureCache(ctx.cacheDir).floats(key, () =>
    clipsToFeatures(clips.length, async (i) =>
      render(await loadSpeech((clips[i] as SpokenUtterance).path, RATE), random),
    ),
  );
  if (!cached)
    ctx.log(
      `  ${name}: ${clips.length} clips rendered (level, room, noise) and their features cached in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  return values;
}
