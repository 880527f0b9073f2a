import type { SpeechEmbedding } from "@graft/audio";
import { createRng, embedRecording, inRoom, randomUniform, withPeak } from "@graft/audio";
import type { Json } from "@graft/core";
import { FeatureCache } from "@graft/core";

import type { SpokenUtterance } from "../corpus/synthesise.js";
import type { DataContext } from "../datasets.js";
import { loadSpeech, placedSegment } from "../stream.js";

const RATE = 16_000;
/** Samples per embedding step: 8 mel hops of 10 ms. */
export const BLOCK_SAMPLES = 1280;
/** Each positive is a segment of 32 embedding steps (2.56 s), so segments laid end to end keep the embedding grid. */
export const SEGMENT_BLOCKS = 32;
const SEGMENT_SAMPLES = SEGMENT_BLOCKS * BLOCK_SAMPLES;

/** Embeddings of whole recordings and positive segments, computed once per weights and content. */
export interface Embedded {
  /** `count × dims`, one row per 80 ms. */
  readonly embeddings: Float32Array;
  readonly count: number;
}

/**
 * Speech embeddings of the recording `render` makes, cached on disk under
 * `key` and the embedding's fingerprint: a stream is embedded once, and a
 * re-run reads it back.
 */
export async function cachedEmbeddings(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  key: Json,
  render: () => Promise<Float32Array>,
): Promise<Embedded> {
  const started = performance.now();
  const { values, cached } = await new FeatureCache(ctx.cacheDir).floats(
    ["speech-embedding", embedding.fingerprint, key],
    async () => embedRecording(embedding, await render()).embeddings,
  );
  if (!cached)
    ctx.log(
      `  embedded ${JSON.stringify(key).slice(0, 60)}… in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  return { embeddings: values, count: values.length / embedding.dims };
}

/** Positive segments, embedded: where each phrase starts and ends (samples from its segment's start). */
export interface PhraseSegments extends Embedded {
  readonly segments: number;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/**
 * Each utterance in its own 2.56 s of drifting noise, ending 2.0–2.1 s in
 * (so every 16-embedding window that ends 0–0.5 s after it holds it whole),
 * at a random level and, half the time, in a random room; the segments are
 * laid end to end and embedded as one recording.
 */
export async function phraseSegments(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  name: string,
  clips: readonly SpokenUtterance[],
  beds: readonly Float32Array[],
  seed: number,
): Promise<PhraseSegments> {
  const n = clips.length;
  const key: Json = [name, clips.map((c) => c.path.slice(c.path.lastIndexOf("/") + 1)), seed, 1];
  // The phrase positions are stored in front of the embeddings: one cache entry holds both.
  const { embeddings: stored } = await cachedEmbeddingsWithHeader(
    ctx,
    embedding,
    key,
    2 * n,
    async () => {
      const random = createRng(seed);
      const samples = new Float32Array(n * SEGMENT_SAMPLES);
      const header = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const speech = await loadSpeech((clips[i] as SpokenUtterance).path, RATE);
        let voiced = withPeak(speech, randomUniform(random, 0.2, 0.9));
        if (random() < 0.5) voiced = inRoom(voiced, randomUniform(random, 0.15, 0.6), RATE, random);
        const end = Math.round(randomUniform(random, 2.0, 2.1) * RATE);
        const start = Math.max(0, end - speech.length);
        samples.set(
          placedSegment(voiced, SEGMENT_SAMPLES, start, beds, random),
          i * SEGMENT_SAMPLES,
        );
        header[i] = start;
        header[n + i] = end;
      }
      return { header, samples };
    },
  );
  const embeddings = stored.subarray(2 * n);
  return {
    embeddings,
    count: embeddings.length / embedding.dims,
    segments: n,
    starts: Array.from(stored.subarray(0, n)),
    ends: Array.from(stored.subarray(n, 2 * n)),
  };
}

async function cachedEmbeddingsWithHeader(
  ctx: DataContext,
  embedding: SpeechEmbedding,
  key: Json,
  headerLength: number,
  render: () => Promise<{ header: Float32Array; samples: Float32Array }>,
): Promise<Embedded> {
  const started = performance.now();
  const { values, cached } = await new FeatureCache(ctx.cacheDir).floats(
    ["speech-embedding-segments", embedding.fingerprint, key],
    async () => {
      const { header, samples } = await render();
      const rows = embedRecording(embedding, samples).embeddings;
      const out = new Float32Array(headerLength + rows.length);
      out.set(header);
      out.set(rows, headerLength);
      return out;
    },
  );
  if (!cached)
    ctx.log(
      `  ${JSON.stringify(key).slice(2, 30)}…: ${headerLength / 2} segments embedded in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  return { embeddings: values, count: (values.length - headerLength) / embedding.dims };
}

/** Last embedding (index from the segment's start) a 16-window may end at and still lie inside its segment. */
export function lastWindowEnd(embedding: SpeechEmbedding): number {
  const span = (embedding.windowFrames - 1) * embedding.mel.hopSize + embedding.mel.windowSize;
  return Math.floor((SEGMENT_SAMPLES - span) / BLOCK_SAMPLES);
}

/** Sample (from the recording's start) at which the embedding `j` ends. */
export function embeddingEnd(embedding: SpeechEmbedding, j: number): number {
  return (
    j * BLOCK_SAMPLES +
    (embedding.windowFrames - 1) * embedding.mel.hopSize +
    embedding.mel.windowSize
  );
}
