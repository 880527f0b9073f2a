import { ConfigError } from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import { tidyValues } from "./tidy-values.js";

import type { AudioPreprocessor } from "../features/audio-preprocessor.js";

/** Scores windows of samples: one posterior in [0, 1] per window. */
export type ScoreFn = (windows: readonly Float32Array[]) => Promise<readonly number[]> | readonly number[];

/** A score function, or a trained model plus the preprocessor it was trained with. */
export type Scorer = ScoreFn | { readonly model: tf.LayersModel; readonly preprocessor: AudioPreprocessor; readonly outputIndex?: number };

/**
 * Wraps a model and its preprocessor as a {@link ScoreFn}: features of each
 * window, one forward pass per call, column `outputIndex` of the output (the
 * single sigmoid of a binary wake-word head by default).
 */
export function modelScoreFn(model: tf.LayersModel, preprocessor: AudioPreprocessor, outputIndex = 0): ScoreFn {
  return async (windows) => {
    if (windows.length === 0) return [];
    const input = await preprocessor.process(windows);
    try {
      const scores = tidyValues(() => {
        const out = model.predict(input);
        if (Array.isArray(out)) throw new ConfigError("modelScoreFn: the model has several outputs; pass a single-output model.");
        return (out as tf.Tensor).reshape([windows.length, -1]).slice([0, outputIndex], [windows.length, 1]);
      });
      return Array.from(scores);
    } finally {
      input.dispose();
    }
  };
}

/** Normalises a {@link Scorer} to a {@link ScoreFn}. */
export function toScoreFn(scorer: Scorer): ScoreFn {
  if (typeof scorer === "function") return scorer;
  if (scorer && typeof scorer === "object" && "model" in scorer && "preprocessor" in scorer) {
    return modelScoreFn(scorer.model, scorer.preprocessor, scorer.outputIndex);
  }
  throw new ConfigError("detectStream: expected a score function or { model, preprocessor }.", {
    fix: "pass (windows) => scores, or { model, preprocessor: audioPreprocessor(savedConfig) }.",
  });
}
