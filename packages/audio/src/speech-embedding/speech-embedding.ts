import type { AudioInputSpec, Backbone } from "@graft/core";
import { ConfigError, weightsChecksum } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { tidyValues } from "../stream/tidy-values.js";
import type { FingerprintedExtractor } from "./embedding-cache.js";
import { IncrementalNetwork } from "./embedding-incremental.js";
import { chainSteps, sequenceNetwork } from "./embedding-network.js";
import { clipMelFeatures, embeddingPreprocessor, framesForWindows, samplesForFrames, type EmbeddingPreprocessor } from "./embedding-preprocessor.js";
import { loadMelFrontEnd } from "./mel-front-end.js";
import { OPENWAKEWORD_SHA256, readOpenWakeWordFile } from "./openwakeword-files.js";
import { speechEmbeddingProvenance, type SpeechEmbeddingProvenance } from "./provenance.js";

/** Options of {@link speechEmbedding}. */
export interface SpeechEmbeddingOptions {
  /** Embeddings per example: the sequence the head reads (16 ≈ 1.3 s of embeddings, 1.96 s of audio). @default 16 */
  windows?: number;
  /** Windows per network call when embedding recordings (bounds memory). @default 64 */
  batchWindows?: number;
}

/**
 * Google's speech embedding as a graft backbone, with its front end and a
 * streaming view. `model` maps `[frames, 32, 1]` openWakeWord mel features
 * (`frames = (windows − 1) · 8 + 76`) to `[windows, 96]` embeddings;
 * `streamModel` is the same layers (shared weights) over any number of frames.
 */
export interface SpeechEmbedding extends Backbone, FingerprintedExtractor {
  readonly provenance: SpeechEmbeddingProvenance;
  readonly inputSpec: AudioInputSpec;
  readonly featureShape: readonly [number, number];
  /** Embeddings per example. */
  readonly windows: number;
  /** Mel frames per example. */
  readonly frames: number;
  /** Samples of audio per example (16 kHz). */
  readonly clipSamples: number;
  readonly streamModel: tf.LayersModel;
  /** The preprocessor of `model`'s input (WAV paths or samples → features), saved with transferred models. */
  readonly preprocessor: EmbeddingPreprocessor;
  /** Mel features of one clip for `model`: the last `clipSamples` samples (zero-padded in front), `frames × 32`. */
  clipFeatures(samples: Float32Array): Float32Array;
  /** `model`'s input for a batch of clips, `[n, frames, 32, 1]`. The caller owns the tensor. */
  clipBatch(clips: readonly Float32Array[]): tf.Tensor4D;
  /** Embeddings of a batch of clips, `[n, windows, 96]`. The caller owns the tensor. */
  embedClips(clips: readonly Float32Array[]): tf.Tensor3D;
  /**
   * Frees the network's weights (shared by `model` and `streamModel`). Dispose
   * the models built on `model` (a transfer model) first: they share the
   * layers. Calling it twice does nothing.
   */
  dispose(): void;
}


const WINDOW_FRAMES = 76;
const HOP_FRAMES = 8;

/**
 * Loads openWakeWord's two feature models from the installed npm package
 * (checked by SHA-256; nothing is downloaded), imports the embedding network
 * with `importOnnx` and returns it as a fine-tunable backbone: freeze it and
 * train a new head on cached embeddings, or unfreeze its top layers.
 */
export async function speechEmbedding({ windows = 16, batchWindows = 64 }: SpeechEmbeddingOptions = {}): Promise<SpeechEmbedding> {
  for (const [label, value] of Object.entries({ windows, batchWindows })) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(`speechEmbedding: ${label} must be a positive integer, got ${value}.`);
  }
  const [mel, bytes] = await Promise.all([loadMelFrontEnd(), readOpenWakeWordFile("embedding_model.onnx")]);
  // Loaded on first use: importing @graft/audio stays light.
  const { importOnnx } = await import("@graft/onnx");
  const single = await importOnnx(bytes, { name: "speech_embedding_window" });
  const frames = framesForWindows(windows);
  const model = sequenceNetwork(single, frames, "speech_embedding");
  const streamModel = sequenceNetwork(single, null, "speech_embedding_stream");
  const dims = model.outputs[0]!.shape[2] as number;
  const steps = chainSteps(streamModel);
  const forward = (x: tf.Tensor4D): tf.Tensor => steps.reduce((t, step) => step.run(t), x);
  const preprocessor = embeddingPreprocessor({ windows });
  const weightsSha256 = weightsChecksum(model);
  const clipSamples = samplesForFrames(mel, frames);
  let disposed = false;
  const clipFeatures = (samples: Float32Array): Float32Array => clipMelFeatures(mel, samples, frames);
  const clipBatch = (clips: readonly Float32Array[]): tf.Tensor4D => {
    const values = new Float32Array(clips.length * frames * mel.bands);
    clips.forEach((clip, i) => values.set(clipFeatures(clip), i * frames * mel.bands));
    return tf.tensor4d(values, [clips.length, frames, mel.bands, 1]);
  };
  return {
    name: "audio:speech-embedding",
    model,
    streamModel,
    preprocessor,
    inputSpec: preprocessor.spec,
    featureShape: [windows, dims],
    provenance: { ...speechEmbeddingProvenance(weightsSha256), cutAt: model.layers.at(-1)!.name },
    mel,
    windowFrames: WINDOW_FRAMES,
    hopFrames: HOP_FRAMES,
    block: HOP_FRAMES,
    dims,
    windows,
    frames,
    clipSamples,
    get fingerprint(): string {
      // Fine-tuning changes the weights: the cache key follows them.
      return `${OPENWAKEWORD_SHA256["melspectrogram.onnx"]}:${weightsChecksum(model)}`;
    },
    clipFeatures,
    clipBatch,
    embedClips: (clips) => {
      const input = clipBatch(clips);
      try {
        return tf.tidy(() => model.predict(input) as tf.Tensor3D);
      } finally {
        input.dispose();
      }
    },
    createIncremental: () => new IncrementalNetwork(steps, mel.bands),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const layer of new Set([model, streamModel, single].flatMap((m) => m.layers))) releaseLayer(layer);
    },
    embedMel: (values, count) => embedMel(forward, values, count, mel.bands, batchWindows, dims),
  };
}

/**
 * Drops every reference tfjs counts on `layer` (one per model it was applied
 * in), which frees its weights. A model built from another model's tensors,
 * like a transfer model, releases the shared layers when it is disposed; a
 * layer freed that way throws on dispose and is skipped.
 */
function releaseLayer(layer: tf.layers.Layer): void {
  for (;;) {
    let remaining: number;
    try {
      remaining = layer.dispose().refCountAfterDispose;
    } catch {
      return;
    }
    if (remaining <= 0) return;
  }
}

function embedMel(forward: (x: tf.Tensor4D) => tf.Tensor, values: Float32Array, frames: number, bands: number, batchWindows: number, dims: number): Float32Array {
  const total = frames < WINDOW_FRAMES ? 0 : Math.floor((frames - WINDOW_FRAMES) / HOP_FRAMES) + 1;
  const out = new Float32Array(total * dims);
  // Equal chunks of `batchWindows` windows run as one batch; the rest as one more call.
  const full = Math.floor(total / batchWindows);
  const run = (firstWindow: number, chunks: number, windowsPerChunk: number): void => {
    const length = (windowsPerChunk - 1) * HOP_FRAMES + WINDOW_FRAMES;
    const input = new Float32Array(chunks * length * bands);
    for (let c = 0; c < chunks; c++) {
      const start = (firstWindow + c * windowsPerChunk) * HOP_FRAMES * bands;
      input.set(values.subarray(start, start + length * bands), c * length * bands);
    }
    const result = tidyValues(() => forward(tf.tensor4d(input, [chunks, length, bands, 1])));
    out.set(result, firstWindow * dims);
  };
  if (full > 0) run(0, full, batchWindows);
  const rest = total - full * batchWindows;
  if (rest > 0) run(full * batchWindows, 1, rest);
  return out;
}
