import { ConfigError, InputMismatchError } from "@graft/core";
import type { InputSpec, PluginOptions } from "@graft/core";

import { audioPreprocessor } from "../features/audio-preprocessor.js";
import { embeddingPreprocessorFor } from "../speech-embedding/embedding-preprocessor.js";
import type { AudioPreprocessor } from "../features/audio-preprocessor.js";

/**
 * The audio preprocessor that feeds `spec`: an audio backbone's own feature
 * spec, a plain `[frames, bands, 1]` tensor input, or none (a fresh backbone,
 * shaped by `--bands` and `--clip-seconds`).
 */
export function audioPreprocessorFor(
  spec: InputSpec | undefined,
  options: PluginOptions,
): AudioPreprocessor {
  const embedding = embeddingPreprocessorFor(spec);
  if (embedding) return embedding as unknown as AudioPreprocessor;
  if (spec !== undefined && spec.kind !== "audio" && spec.kind !== "tensor")
    throw new ConfigError(`the backbone takes ${spec.kind} inputs, not audio features.`, {
      fix: `pass the --plugin that reads ${spec.kind} inputs`,
    });
  const base = {
    ...(options.feature ? { feature: options.feature } : {}),
    ...(options.sampleRate ? { sampleRate: options.sampleRate } : {}),
    clipSeconds: options.clipSeconds ?? 1,
  };
  if (spec?.kind === "audio") {
    return audioPreprocessor({
      ...base,
      sampleRate: spec.sampleRate,
      windowSize: spec.windowSize,
      hopSize: spec.hopSize,
      feature: spec.feature,
      bands: spec.bands,
      ...(spec.feature === "mfcc" ? { bands: Math.max(spec.bands, 40), coefficients: spec.bands } : {}),
    });
  }
  const p = audioPreprocessor({ ...base, bands: options.bands ?? 40 });
  if (spec?.kind === "tensor") {
    const [frames, bands] = spec.shape;
    if (frames !== p.spec.frames || bands !== p.spec.bands) {
      throw new InputMismatchError(
        `this model takes [${spec.shape.join(", ")}] inputs; the audio features give [${p.spec.frames}, ${p.spec.bands}, 1].`,
        spec.shape,
        [p.spec.frames, p.spec.bands, 1],
        { fix: "match --bands and --clip-seconds to the model's input" },
      );
    }
  }
  return p;
}
