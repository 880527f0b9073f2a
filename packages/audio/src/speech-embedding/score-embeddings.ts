import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { chainInference } from "../stream/chain-inference.js";
import { tidyValues } from "../stream/tidy-values.js";
import { EmbeddingStream, type EmbeddingStreamOptions } from "./embedding-stream.js";
import type { SpeechEmbedding } from "./speech-embedding.js";

/** Options of {@link scoreEmbeddings}. */
export interface ScoreEmbeddingsOptions {
  /** Embeddings per head input. @default 16 */
  windows?: number;
  /** Head inputs per forward pass. @default 256 */
  batchSize?: number;
  /** Output column read (the single sigmoid of a binary head by default). @default 0 */
  outputIndex?: number;
  /**
   * Run the head's layers as direct kernel calls ({@link chainInference}: the
   * same scores as `predict`, a fraction of its per-call cost on a live
   * stream); `false` calls `head.predict`.
   * @default true
   */
  direct?: boolean;
}

/**
 * Scores every run of `windows` consecutive embeddings (`count × dims`,
 * row-major) with a head model reading `[windows, dims]`: one score per
 * 80 ms, `count − windows + 1` of them, score `i` ending at embedding `i + windows − 1`.
 */
export function scoreEmbeddings(head: tf.LayersModel, embeddings: Float32Array, dims: number, { windows = 16, batchSize = 256, outputIndex = 0, direct = true }: ScoreEmbeddingsOptions = {}): Float32Array {
  if (embeddings.length % dims !== 0) throw new ConfigError(`scoreEmbeddings: ${embeddings.length} values are not whole rows of ${dims}.`);
  const count = embeddings.length / dims;
  const total = Math.max(count - windows + 1, 0);
  const scores = new Float32Array(total);
  const forward = direct ? chainInference(head) : (x: tf.Tensor) => head.predict(x) as tf.Tensor;
  for (let start = 0; start < total; start += batchSize) {
    const n = Math.min(batchSize, total - start);
    const input = new Float32Array(n * windows * dims);
    for (let i = 0; i < n; i++) input.set(embeddings.subarray((start + i) * dims, (start + i + windows) * dims), i * windows * dims);
    // The column is picked in JS: a reshape and a slice cost more than the copy on a live stream's single window.
    const out = tidyValues(() => forward(tf.tensor3d(input, [n, windows, dims])));
    const columns = out.length / n;
    if (outputIndex >= columns) throw new ConfigError(`scoreEmbeddings: outputIndex ${outputIndex} is outside the head's ${columns} outputs.`);
    for (let i = 0; i < n; i++) scores[start + i] = out[i * columns + outputIndex]!;
  }
  return scores;
}

/**
 * Live wake-word scores: samples in, one score per new 80 ms embedding out
 * (once `windows` embeddings exist), computing each embedding once.
 */
export class EmbeddingWakeWordStream {
  private readonly stream: EmbeddingStream;
  private history: Float32Array;
  private readonly windows: number;
  private readonly direct: boolean;

  constructor(
    readonly embedding: SpeechEmbedding,
    readonly head: tf.LayersModel,
    options: EmbeddingStreamOptions & Pick<ScoreEmbeddingsOptions, "windows" | "direct"> = {},
  ) {
    this.stream = new EmbeddingStream(embedding, options);
    this.windows = options.windows ?? embedding.windows;
    this.direct = options.direct ?? true;
    this.history = new Float32Array(0);
  }

  /** Scores completed by `samples`. */
  push(samples: Float32Array): Float32Array {
    return this.score(this.stream.push(samples));
  }

  /** Scores held back by `minWindows`. */
  flush(): Float32Array {
    return this.score(this.stream.flush());
  }

  /** Frees the tensors the stream holds. */
  dispose(): void {
    this.stream.dispose();
  }

  private score(fresh: Float32Array): Float32Array {
    if (fresh.length === 0) return new Float32Array(0);
    const dims = this.embedding.dims;
    const joined = new Float32Array(this.history.length + fresh.length);
    joined.set(this.history);
    joined.set(fresh, this.history.length);
    const scores = scoreEmbeddings(this.head, joined, dims, { windows: this.windows, direct: this.direct });
    // Keep the last windows − 1 embeddings: the start of the next scores.
    this.history = joined.slice(Math.max(joined.length - (this.windows - 1) * dims, 0));
    return scores;
  }
}
