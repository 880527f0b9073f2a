import type { AudioInputSpec, InputSpec, Json, Preprocessor } from "@graft/core";
import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { decodeWav } from "../decode/decode-wav.js";
import { resample } from "../decode/resample.js";
import type { AudioRaw } from "../features/audio-preprocessor.js";
import { loadMelFrontEnd, type MelFrontEnd } from "./mel-front-end.js";

/** `kind` of the saved configuration, so the plugin restores this preprocessor and not the meyda one. */
export const OPENWAKEWORD_MEL = "openwakeword-mel";

const WINDOW_FRAMES = 76;
const HOP_FRAMES = 8;

/** Mel frames a speech-embedding example of `windows` embeddings reads. */
export function framesForWindows(windows: number): number {
  return (windows - 1) * HOP_FRAMES + WINDOW_FRAMES;
}

/** Samples a clip of `frames` features needs: whole 80 ms blocks, so clip features equal a stream's at a block boundary. */
export function samplesForFrames(mel: Pick<MelFrontEnd, "hopSize" | "windowSize">, frames: number): number {
  return (Math.ceil(frames / HOP_FRAMES) * HOP_FRAMES - 1) * mel.hopSize + mel.windowSize;
}

/** openWakeWord mel features of a clip's last `samplesForFrames(frames)` samples (zero-padded in front): `frames × 32`. */
export function clipMelFeatures(mel: MelFrontEnd, samples: Float32Array, frames: number): Float32Array {
  const length = samplesForFrames(mel, frames);
  const clip = new Float32Array(length);
  const take = Math.min(samples.length, length);
  clip.set(samples.subarray(samples.length - take), length - take);
  return mel.features(clip, { block: HOP_FRAMES }).slice(0, frames * mel.bands);
}

/** The preprocessor of {@link speechEmbedding}: WAV paths or 16 kHz samples → `[n, frames, 32, 1]` openWakeWord mel features. */
export interface EmbeddingPreprocessor extends Preprocessor<AudioRaw> {
  readonly spec: AudioInputSpec;
  /** Features of one clip, `frames × 32` frame-major, without a tensor. */
  features(raw: AudioRaw): Promise<Float32Array>;
}

// Specs made here, so a tool holding only a backbone's spec can tell this front end from meyda's (same numbers).
const made = new WeakMap<InputSpec, number>();

/** The preprocessor whose `spec` is `spec` (e.g. `speechEmbedding().inputSpec`), or undefined for any other spec. */
export function embeddingPreprocessorFor(spec: InputSpec | undefined): EmbeddingPreprocessor | undefined {
  const windows = spec ? made.get(spec) : undefined;
  return windows === undefined ? undefined : embeddingPreprocessor({ windows });
}

/** Options of {@link embeddingPreprocessor}. */
export interface EmbeddingPreprocessorOptions {
  /** Embeddings per example (16 ≈ 1.3 s). @default 16 */
  windows?: number;
}

/** Features for `speechEmbedding({ windows })`, computed by the TypeScript front end; its `config` is saved in `graft.json`. */
export function embeddingPreprocessor({ windows = 16 }: EmbeddingPreprocessorOptions = {}): EmbeddingPreprocessor {
  if (!Number.isInteger(windows) || windows < 1) throw new ConfigError(`embeddingPreprocessor: windows must be a positive integer, got ${windows}.`);
  const frames = framesForWindows(windows);
  const spec: AudioInputSpec = { kind: "audio", sampleRate: 16000, windowSize: 512, hopSize: 160, feature: "log-mel", bands: 32, frames };
  const samplesOf = async (raw: AudioRaw): Promise<Float32Array> => {
    if (raw instanceof Float32Array) return raw;
    if (typeof raw !== "string") throw new ConfigError(`embeddingPreprocessor: expected a WAV path or a Float32Array of 16 kHz samples, got ${typeof raw}.`);
    const audio = await decodeWav(raw);
    return audio.sampleRate === spec.sampleRate ? audio.samples : resample(audio.samples, audio.sampleRate, spec.sampleRate);
  };
  made.set(spec, windows);
  const features = async (raw: AudioRaw): Promise<Float32Array> => clipMelFeatures(await loadMelFrontEnd(), await samplesOf(raw), frames);
  return {
    name: "audio:openwakeword-mel",
    spec,
    config: { kind: OPENWAKEWORD_MEL, windows },
    features,
    async process(raws) {
      const size = frames * spec.bands;
      const values = new Float32Array(raws.length * size);
      for (let i = 0; i < raws.length; i++) values.set(await features(raws[i]!), i * size);
      return tf.tensor4d(values, [raws.length, frames, spec.bands, 1]);
    },
  };
}

/** True when a saved preprocessing config belongs to {@link embeddingPreprocessor}. */
export function isEmbeddingPreprocessorConfig(config: Json): boolean {
  return config !== null && typeof config === "object" && !Array.isArray(config) && config["kind"] === OPENWAKEWORD_MEL;
}

/** Rebuilds {@link embeddingPreprocessor} from its saved `config`. */
export function restoreEmbeddingPreprocessor(config: Json): EmbeddingPreprocessor {
  if (!isEmbeddingPreprocessorConfig(config)) throw new ConfigError(`restoreEmbeddingPreprocessor: expected { kind: "${OPENWAKEWORD_MEL}", windows }, got ${JSON.stringify(config)}.`);
  const windows = (config as { windows?: unknown }).windows;
  return embeddingPreprocessor(typeof windows === "number" ? { windows } : {});
}
