import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { SpeechEmbedding } from "@graft/audio";
import { createRng } from "@graft/audio";
import type { Json } from "@graft/core";
import { stratifiedSplit } from "@graft/core";

import { joinRecordings } from "../corpus/recorded-audio.js";
import type { RecordedFile } from "../corpus/recorded.js";
import {
  allTestPositiveUtterances,
  embeddingTrainUtterances,
  streamUtterances,
} from "../corpus/sets.js";
import type { SpokenUtterance } from "../corpus/synthesise.js";
import type { DataContext } from "../datasets.js";
import type { SpeechOnDemand } from "../datasets.js";
import { speak, speakOnDemand, testBeds, trainBeds } from "../datasets.js";
import type { Placement, StreamSpacing } from "../stream.js";
import { negativeStream } from "../stream.js";
import type { Embedded, PhraseSegments } from "./segments.js";
import { BLOCK_SAMPLES, cachedEmbeddings, phraseSegments, SEGMENT_BLOCKS } from "./segments.js";

const RATE = 16_000;
/** Near misses back to back: 0.2–0.6 s apart, no long pauses. */
const DENSE: StreamSpacing = { pause: 0, gap: [0.2, 0.6] };

/** Sizes of the speech-embedding route's task B data, from the command line. */
export interface EmbeddingSizes {
  /** Wake-phrase clips by the task B espeak-ng voices. */
  readonly positives: number;
  /** Wake-phrase clips by the training flite voices. */
  readonly flitePositives: number;
  /** Minutes of the training negative stream (near misses and other words, espeak-ng and flite). */
  readonly streamMinutes: number;
  /** How many "hey" + ordinary word phrases the near-miss stream also says (of 20). */
  readonly heyOthers: number;
  /** Minutes of the dense stream of near misses alone. */
  readonly confuserMinutes: number;
  /** Minutes of espeak-ng negative stream the threshold is calibrated on (with the recorded calibration share). */
  readonly calibrationMinutes: number;
  /** Minutes of the held-out espeak-ng negative stream (the log-mel routes' test stream). */
  readonly testMinutes: number;
}

/** Embedded audio of one negative stream and what it says where. */
export interface EmbeddedStream extends Embedded {
  readonly seconds: number;
  readonly placements: readonly Placement[];
}

/** Everything the speech-embedding route trains, calibrates and is tested on, embedded once. */
export interface EmbeddingData {
  /** Training positives (the split's training share). */
  readonly positives: PhraseSegments;
  /** Training negatives: the synthetic negative stream, the near-miss stream and the recorded training share. */
  readonly negatives: readonly EmbeddedStream[];
  /** The near-miss stream (one of `negatives`). */
  readonly nearMisses: EmbeddedStream;
  readonly calibrationPositives: PhraseSegments;
  readonly calibrationStream: EmbeddedStream;
  readonly testPositives: PhraseSegments;
  readonly testStream: EmbeddedStream;
  /** Seconds of task B audio used to train and calibrate (what "≤ 1 h of task B" counts). */
  readonly taskBSeconds: number;
}

/** Synthesises, renders and embeds the route's data; `recorded` is the split of Debian's recordings. */
export async function embeddingData(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  sizes: EmbeddingSizes,
  recorded: {
    train: readonly RecordedFile[];
    calibration: readonly RecordedFile[];
    test: readonly RecordedFile[];
  },
): Promise<EmbeddingData> {
  const { positives, negatives, confusers } = embeddingTrainUtterances(
    {
      positives: sizes.positives,
      flitePositives: sizes.flitePositives,
      heyOthers: sizes.heyOthers,
    },
    ctx.voices,
    ctx.seed + 31,
  );
  const positiveClips = await speak(ctx, "embedding-positives", positives);
  const split = stratifiedSplit(
    positiveClips.map((c) => (c.voice.engine === "flite" ? 1 : 0)),
    { validation: 0.15, seed: ctx.seed },
  );
  const pick = (ids: readonly number[]): SpokenUtterance[] =>
    ids.map((i) => positiveClips[i] as SpokenUtterance);
  const trainPositives = await phraseSegments(
    ctx,
    embedding,
    "embedding-train-positives",
    pick(split.train),
    trainBeds,
    ctx.seed + 32,
  );
  const calibrationPositives = await phraseSegments(
    ctx,
    embedding,
    "embedding-calibration-positives",
    pick(split.validation),
    trainBeds,
    ctx.seed + 33,
  );

  const trainStream = await synthStream(
    ctx,
    embedding,
    "embedding-train-stream",
    speakOnDemand(ctx, "embedding-negatives", negatives),
    sizes.streamMinutes,
    trainBeds,
    ctx.seed + 34,
  );
  const confuserStream = await synthStream(
    ctx,
    embedding,
    "embedding-confuser-stream",
    speakOnDemand(ctx, "embedding-confusers", confusers),
    sizes.confuserMinutes,
    trainBeds,
    ctx.seed + 36,
    DENSE,
  );
  const recordedTrain = await recordedStream(ctx, embedding, "recorded-train", recorded.train);

  const known = [...ctx.voices.pretrain, ...ctx.voices.wakeTrain];
  const calibrationClips = await speak(
    ctx,
    "calibration-stream",
    streamUtterances(sizes.calibrationMinutes, known, ctx.seed + 4),
  );
  const calibrationSynth = await synthStream(
    ctx,
    embedding,
    "embedding-calibration-stream",
    calibrationClips,
    sizes.calibrationMinutes,
    trainBeds,
    ctx.seed + 8,
  );
  const calibrationRecorded = await recordedStream(
    ctx,
    embedding,
    "recorded-calibration",
    recorded.calibration,
  );

  const testClips = await speak(
    ctx,
    "test-positives",
    allTestPositiveUtterances(ctx.sizes, ctx.voices, ctx.seed + 2),
  );
  const testPositives = await phraseSegments(
    ctx,
    embedding,
    "embedding-test-positives",
    testClips,
    testBeds,
    ctx.seed + 35,
  );
  const { pretrain, wakeTrain, wakeTest } = ctx.voices;
  const testStreamClips = await speak(
    ctx,
    "test-stream",
    streamUtterances(sizes.testMinutes, [...pretrain, ...wakeTrain, ...wakeTest], ctx.seed + 5),
  );
  // The same seeds as the log-mel routes' test stream: every route hears the same test audio.
  const testSynth = await synthStream(
    ctx,
    embedding,
    "embedding-test-stream",
    testStreamClips,
    sizes.testMinutes,
    testBeds,
    ctx.seed + 9,
  );
  const testRecorded = await recordedStream(ctx, embedding, "recorded-test", recorded.test);

  const segmentSeconds = (s: PhraseSegments): number =>
    (s.segments * SEGMENT_BLOCKS * BLOCK_SAMPLES) / RATE;
  return {
    positives: trainPositives,
    negatives: [trainStream, confuserStream, recordedTrain],
    nearMisses: confuserStream,
    calibrationPositives,
    calibrationStream: joinStreams(calibrationSynth, calibrationRecorded, embedding.dims),
    testPositives,
    testStream: joinStreams(testSynth, testRecorded, embedding.dims),
    taskBSeconds:
      segmentSeconds(trainPositives) +
      segmentSeconds(calibrationPositives) +
      trainStream.seconds +
      confuserStream.seconds +
      recordedTrain.seconds +
      calibrationSynth.seconds +
      calibrationRecorded.seconds,
  };
}

async function synthStream(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  name: string,
  speech: readonly SpokenUtterance[] | SpeechOnDemand,
  minutes: number,
  beds: readonly Float32Array[],
  seed: number,
  spacing: StreamSpacing = {},
): Promise<EmbeddedStream> {
  const onDemand = "clips" in speech ? speech : undefined;
  const clips = onDemand?.clips ?? (speech as readonly SpokenUtterance[]);
  const key = [
    name,
    minutes,
    clips.map((c) => c.path.slice(c.path.lastIndexOf("/") + 1)),
    seed,
    spacing as Json,
    1,
  ];
  return embeddedStream(ctx, embedding, key, async () => {
    const random = createRng(seed);
    const stream = await negativeStream(clips, minutes, beds, random, spacing, onDemand?.ready);
    onDemand?.report();
    return { samples: stream.samples, placements: stream.placements };
  });
}

/** Debian's recordings `files` laid end to end and embedded (cached). */
export async function recordedStream(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  name: string,
  files: readonly RecordedFile[],
): Promise<EmbeddedStream> {
  const key = [name, files.map((f) => `${f.path}@${f.piece?.start ?? 0}`), 1];
  return embeddedStream(ctx, embedding, key, () => joinRecordings(files, RATE));
}

/** A stream's embeddings and, in a JSON file beside them, its length and placements (for naming false accepts). */
async function embeddedStream(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  key: Json,
  render: () => Promise<{ samples: Float32Array; placements: readonly Placement[] }>,
): Promise<EmbeddedStream> {
  const sidecar = join(
    ctx.cacheDir,
    `stream-${createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 24)}.json`,
  );
  let about: { seconds: number; placements: readonly Placement[] } | undefined;
  const embedded = await cachedEmbeddings(ctx, embedding, key, async () => {
    const { samples, placements } = await render();
    about = { seconds: samples.length / RATE, placements };
    await mkdir(ctx.cacheDir, { recursive: true });
    await writeFile(sidecar, JSON.stringify(about));
    return samples;
  });
  about ??= JSON.parse(await readFile(sidecar, "utf8")) as {
    seconds: number;
    placements: Placement[];
  };
  return { ...embedded, ...about };
}

function joinStreams(a: EmbeddedStream, b: EmbeddedStream, dims: number): EmbeddedStream {
  const embeddings = new Float32Array(a.embeddings.length + b.embeddings.length);
  embeddings.set(a.embeddings);
  embeddings.set(b.embeddings, a.embeddings.length);
  // Embeddings come every 80 ms: b's first one follows a's last.
  const offset = (a.count * 1280) / RATE;
  return {
    embeddings,
    count: embeddings.length / dims,
    seconds: a.seconds + b.seconds,
    placements: [
      ...a.placements,
      ...b.placements.map((p) => ({ ...p, start: p.start + offset, end: p.end + offset })),
    ],
  };
}
