import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { decodeWavBytes } from "../decode/decode-wav.js";
import { resample } from "../decode/resample.js";
import { EmbeddingStream, type EmbeddingExtractor, type EmbeddingStreamOptions } from "./embedding-stream.js";
import { sha256Hex } from "./openwakeword-files.js";

/** Embeddings of one recording: `count × dims`, row-major, one row per 80 ms. */
export interface RecordingEmbeddings {
  readonly embeddings: Float32Array;
  readonly count: number;
  readonly dims: number;
  /** True when they were read from the cache rather than computed. */
  readonly cached: boolean;
}

/** A speech embedding that can name its weights, so cached embeddings never outlive a weight change. */
export interface FingerprintedExtractor extends EmbeddingExtractor {
  /** Identity of the front end and network weights (e.g. a hash of both). */
  readonly fingerprint: string;
}

/**
 * Embeddings of a whole recording (16 kHz, [-1, 1]), computed as a stream
 * would, in slices of 64 embeddings (5.12 s): layer by layer on new frames
 * (`incremental`, the default) or by re-running each 76-frame window.
 */
export function embedRecording(extractor: EmbeddingExtractor, samples: Float32Array, { incremental = true }: Pick<EmbeddingStreamOptions, "incremental"> = {}): RecordingEmbeddings {
  const stream = new EmbeddingStream(extractor, { minWindows: 64, incremental });
  const parts: Float32Array[] = [];
  // Push in slices so the sample and mel buffers stay small on hour-long files.
  const slice = 64 * extractor.hopFrames * extractor.mel.hopSize;
  for (let start = 0; start < samples.length; start += slice) parts.push(stream.push(samples.subarray(start, start + slice)));
  parts.push(stream.flush());
  stream.dispose();
  const embeddings = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    embeddings.set(p, offset);
    offset += p.length;
  }
  return { embeddings, count: embeddings.length / extractor.dims, dims: extractor.dims, cached: false };
}

/**
 * Keeps the speech embeddings of recordings on disk (`<dir>/<key>.f32`), keyed
 * by the SHA-256 of the file's bytes and the embedding's fingerprint: a long
 * recording is embedded once, then training, calibration and `listen` read
 * the same rows.
 */
export class EmbeddingCache {
  constructor(readonly dir: string) {}

  /** Embeddings of the WAV file at `path` (any rate; resampled to 16 kHz), from the cache when present. */
  async file(extractor: FingerprintedExtractor, path: string): Promise<RecordingEmbeddings> {
    const bytes = new Uint8Array(await readFile(path));
    return this.bytes(extractor, bytes, path);
  }

  /** Like {@link file}, for WAV bytes already in memory. */
  async bytes(extractor: FingerprintedExtractor, bytes: Uint8Array, name = "recording"): Promise<RecordingEmbeddings> {
    const key = this.key(extractor, sha256Hex(bytes));
    const hit = await this.read(key, extractor.dims);
    if (hit) return hit;
    const audio = decodeWavBytes(bytes, name);
    const samples = audio.sampleRate === extractor.mel.sampleRate ? audio.samples : resample(audio.samples, audio.sampleRate, extractor.mel.sampleRate);
    const result = embedRecording(extractor, samples);
    await this.write(key, result.embeddings);
    return result;
  }

  /** Cache key of content `contentSha256` under `extractor`. */
  key(extractor: FingerprintedExtractor, contentSha256: string): string {
    return sha256Hex(new TextEncoder().encode(JSON.stringify(["speech-embedding/1", extractor.fingerprint, contentSha256]))).slice(0, 40);
  }

  private async read(key: string, dims: number): Promise<RecordingEmbeddings | undefined> {
    try {
      const bytes = await readFile(join(this.dir, `${key}.f32`));
      if (bytes.byteLength % (4 * dims) !== 0) return undefined;
      const embeddings = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      return { embeddings, count: embeddings.length / dims, dims, cached: true };
    } catch {
      return undefined; // Not cached yet (or unreadable): computed by the caller.
    }
  }

  private async write(key: string, embeddings: Float32Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${key}.f32`);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, new Uint8Array(embeddings.buffer, embeddings.byteOffset, embeddings.byteLength));
    await rename(tmp, path);
  }
}
