import type { AudioInputSpec, Json, Preprocessor } from "@graft/core";
import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { loadAudio } from "../decode/load-audio.js";
import { clipFeatures } from "./extract-features.js";
import type { FeatureConfig, FeatureConfigOptions } from "./feature-config.js";
import { featureConfig, featureConfigToJson, featureSpec } from "./feature-config.js";

/** A raw audio input: a WAV file path, or mono samples already at the configured rate. */
export type AudioRaw = string | Float32Array;

/** The audio preprocessor: raw clips → `[n, frames, bands, 1]` float32 features. */
export interface AudioPreprocessor extends Preprocessor<AudioRaw> {
  readonly spec: AudioInputSpec;
  /** The validated configuration (what `config` serialises). */
  readonly featureConfig: FeatureConfig;
  /** Features of one clip, `[frames × bands]` frame-major, without a tensor. */
  features(raw: AudioRaw): Promise<Float32Array>;
}

/**
 * The preprocessor that turns WAV paths (decoded, down-mixed, resampled) or
 * sample arrays into log-mel/MFCC feature tensors `[n, frames, bands, 1]`.
 * Its `config` is stored in `graft.json`; {@link restoreAudioPreprocessor}
 * rebuilds the identical pipeline at prediction time.
 */
export function audioPreprocessor(options: FeatureConfigOptions = {}): AudioPreprocessor {
  const config = featureConfig(options);
  const spec = featureSpec(config);
  const features = async (raw: AudioRaw): Promise<Float32Array> => {
    let samples: Float32Array;
    if (typeof raw === "string") {
      samples = await loadAudio(raw, config.sampleRate);
    } else if (raw instanceof Float32Array) {
      samples = raw;
    } else {
      throw new ConfigError(`audio:features expects WAV paths or Float32Array samples, got ${typeof raw}.`);
    }
    return clipFeatures(samples, config);
  };
  return {
    name: "audio:features",
    spec,
    config: featureConfigToJson(config),
    featureConfig: config,
    features,
    async process(raws) {
      const size = spec.frames * spec.bands;
      const batch = new Float32Array(raws.length * size);
      for (let i = 0; i < raws.length; i++) batch.set(await features(raws[i] as AudioRaw), i * size);
      return tf.tensor4d(batch, [raws.length, spec.frames, spec.bands, 1], "float32");
    },
  };
}

/** Rebuilds the preprocessor saved as `config` in a model's `graft.json`. */
export function restoreAudioPreprocessor(config: Json): AudioPreprocessor {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(`restoreAudioPreprocessor: expected the saved feature configuration object, got ${JSON.stringify(config)}.`);
  }
  return audioPreprocessor(config as FeatureConfigOptions);
}
