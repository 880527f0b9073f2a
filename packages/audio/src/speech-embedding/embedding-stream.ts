import type { MelFrontEnd } from "./mel-front-end.js";

/** What a stream needs from the speech embedding: its front end and a batched network call. */
export interface EmbeddingExtractor {
  readonly mel: MelFrontEnd;
  /** Mel frames one embedding reads (76). */
  readonly windowFrames: number;
  /** Mel frames between consecutive embeddings (8, i.e. 80 ms). */
  readonly hopFrames: number;
  /** Values per embedding (96). */
  readonly dims: number;
  /** Frames of the top-dB floor block (see {@link MelFeatureOptions.block}); equal to `hopFrames`. */
  readonly block: number;
  /**
   * Embeddings of every window over `frames` consecutive mel frames (row-major,
   * `frames × bands`): `floor((frames − windowFrames) / hopFrames) + 1` rows of `dims`.
   */
  embedMel(mel: Float32Array, frames: number): Float32Array;
  /**
   * A stateful network that takes consecutive mel frames and returns each
   * embedding once its last frame has arrived, computing every layer's frames
   * once. Streams use it when present.
   */
  createIncremental?(): IncrementalEmbedder;
}

/** See {@link EmbeddingExtractor.createIncremental}. */
export interface IncrementalEmbedder {
  push(mel: Float32Array, frames: number): Float32Array;
  dispose(): void;
}

// Frames fed to an incremental network per call: bounds activation memory on long pushes.
const INCREMENTAL_SLICE = 512;

/** Options of {@link EmbeddingStream}. */
export interface EmbeddingStreamOptions {
  /**
   * Windows gathered before the network runs: 1 for the lowest latency (live
   * audio), more to amortise per-call overhead over a recording.
   * @default 1
   */
  minWindows?: number;
  /**
   * Run the network layer by layer on new frames only (when the extractor
   * offers it), instead of re-running each 76-frame window. Same embeddings.
   * @default true
   */
  incremental?: boolean;
}

/**
 * Speech embeddings of an unbounded stream, computed once and incrementally:
 * push samples of any length, get back the embeddings that became complete
 * (one per 80 ms, each over the last 76 mel frames, as openWakeWord computes
 * them). Mel frames are finished in blocks of 8 (one 80 ms chunk, the unit
 * openWakeWord's front end runs on), so the result does not depend on how the
 * audio was split into pushes.
 */
export class EmbeddingStream {
  /** Embeddings emitted so far. */
  emitted = 0;
  private samples = new Float32Array(0);
  /** Absolute index of `samples[0]`. */
  private sampleOffset = 0;
  private received = 0;
  private mel: Float32Array;
  /** Absolute index of the first frame held in `mel`, and frames finished so far. */
  private melOffset = 0;
  private melFrames = 0;
  private readonly minWindows: number;
  private readonly network: IncrementalEmbedder | undefined;
  /** Finished mel frames not yet given to the incremental network. */
  private pendingFrames: Float32Array[] = [];

  constructor(
    readonly extractor: EmbeddingExtractor,
    { minWindows = 1, incremental = true }: EmbeddingStreamOptions = {},
  ) {
    if (!Number.isInteger(minWindows) || minWindows < 1) throw new RangeError(`EmbeddingStream: minWindows must be a positive integer, got ${minWindows}.`);
    this.minWindows = minWindows;
    this.mel = new Float32Array(0);
    this.network = incremental ? extractor.createIncremental?.() : undefined;
  }

  /** Appends `chunk` (16 kHz, [-1, 1]); returns the embeddings completed by it, `count × dims`. */
  push(chunk: Float32Array): Float32Array {
    this.appendSamples(chunk);
    const fresh = this.finishFrames();
    if (this.network) {
      if (fresh) this.pendingFrames.push(fresh);
      return this.runNetwork(this.minWindows);
    }
    return this.embed(this.minWindows);
  }

  /** Embeddings still held back by `minWindows`. */
  flush(): Float32Array {
    return this.network ? this.runNetwork(1) : this.embed(1);
  }

  /** Frees the incremental network's held frames; the stream cannot be used afterwards. */
  dispose(): void {
    this.network?.dispose();
  }

  /** Embeddings a recording of `samples` samples yields (frames of an unfinished 80 ms block are not used). */
  static count(extractor: EmbeddingExtractor, samples: number): number {
    const frames = Math.floor(extractor.mel.frameCount(samples) / extractor.block) * extractor.block;
    return frames < extractor.windowFrames ? 0 : Math.floor((frames - extractor.windowFrames) / extractor.hopFrames) + 1;
  }

  private appendSamples(chunk: Float32Array): void {
    const held = this.received - this.sampleOffset;
    if (held + chunk.length > this.samples.length) {
      const grown = new Float32Array(Math.max(2 * this.samples.length, held + chunk.length, 4096));
      grown.set(this.samples.subarray(0, held));
      this.samples = grown;
    }
    this.samples.set(chunk, held);
    this.received += chunk.length;
  }

  private runNetwork(minWindows: number): Float32Array {
    const { bands } = this.extractor.mel;
    const { hopFrames, windowFrames, dims } = this.extractor;
    const frames = this.pendingFrames.reduce((a, p) => a + p.length / bands, 0);
    const ready = this.melFrames < windowFrames ? 0 : Math.floor((this.melFrames - windowFrames) / hopFrames) + 1;
    if (frames === 0 || ready - this.emitted < minWindows) return new Float32Array(0);
    const values = new Float32Array(frames * bands);
    let offset = 0;
    for (const p of this.pendingFrames) {
      values.set(p, offset);
      offset += p.length;
    }
    this.pendingFrames = [];
    const parts: Float32Array[] = [];
    for (let start = 0; start < frames; start += INCREMENTAL_SLICE) {
      const count = Math.min(INCREMENTAL_SLICE, frames - start);
      parts.push(this.network!.push(values.subarray(start * bands, (start + count) * bands), count));
    }
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    this.emitted += out.length / dims;
    return out;
  }

  private finishFrames(): Float32Array | undefined {
    const { mel: front, block } = this.extractor;
    const available = Math.floor(front.frameCount(this.received) / block) * block;
    const fresh = available - this.melFrames;
    if (fresh <= 0) return undefined;
    const bands = front.bands;
    // Frames are read relative to the held samples; sampleOffset is always a frame start.
    const firstLocal = (this.melFrames * front.hopSize - this.sampleOffset) / front.hopSize;
    const db = front.melDb(this.samples.subarray(0, this.received - this.sampleOffset), firstLocal, fresh);
    front.finish(db, block);
    if (this.network) {
      this.melFrames = available;
      this.dropSamplesBefore(this.melFrames * front.hopSize);
      return db;
    }
    const heldFrames = this.melFrames - this.melOffset;
    const mel = new Float32Array((heldFrames + fresh) * bands);
    mel.set(this.mel.subarray(0, heldFrames * bands));
    mel.set(db, heldFrames * bands);
    this.mel = mel;
    this.melFrames = available;
    // Keep samples from the first frame not finished yet.
    this.dropSamplesBefore(this.melFrames * front.hopSize);
    return db;
  }

  private embed(minWindows: number): Float32Array {
    const { windowFrames, hopFrames, dims, mel: front } = this.extractor;
    const ready = this.melFrames < windowFrames ? 0 : Math.floor((this.melFrames - windowFrames) / hopFrames) + 1;
    const windows = ready - this.emitted;
    if (windows < minWindows || windows <= 0) return new Float32Array(0);
    const bands = front.bands;
    const first = this.emitted * hopFrames - this.melOffset;
    const frames = (windows - 1) * hopFrames + windowFrames;
    const out = this.extractor.embedMel(this.mel.subarray(first * bands, (first + frames) * bands), frames);
    if (out.length !== windows * dims) throw new Error(`EmbeddingStream: expected ${windows * dims} values, the network returned ${out.length}.`);
    this.emitted = ready;
    // Keep mel frames from the next window's start.
    const keepFrom = this.emitted * hopFrames - this.melOffset;
    this.mel = this.mel.slice(keepFrom * bands);
    this.melOffset += keepFrom;
    return out;
  }

  private dropSamplesBefore(absolute: number): void {
    const drop = absolute - this.sampleOffset;
    if (drop <= 0) return;
    this.samples.copyWithin(0, drop, this.received - this.sampleOffset);
    this.sampleOffset = absolute;
  }
}
