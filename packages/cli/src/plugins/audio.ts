import { stat } from "node:fs/promises";

import type { AudioInputSpec, Json, Preprocessor } from "@graft/core";
import {
  audio,
  audioDataset,
  audioPreprocessor,
  embeddingPreprocessorFor,
  embeddingWakeWordHead,
  readAudioFolder,
  readAudioManifest,
  speechBackbone,
  speechEmbedding,
  wakeWordHead,
  type AudioPreprocessor,
} from "@graft/audio";

import { UsageError } from "../errors.js";
import type { CliPlugin } from "./types.js";

/** The audio plugin as the CLI uses it. */
export const audioCli: CliPlugin = {
  plugin: audio,
  kind: "audio",
  extensions: [".wav"],
  async readLabelled(path) {
    const isFile = (await stat(path).catch(() => undefined))?.isFile() ?? false;
    const listing = isFile ? await readAudioManifest(path) : await readAudioFolder(path);
    const classNames = [...listing.labels].sort();
    return {
      inputs: listing.items.map((i) => i.path),
      labels: listing.items.map((i) => classNames.indexOf(i.label)),
      classNames,
    };
  },
  // The plugin's own restore also knows the speech embedding's front end.
  restore: (config: Json) => audio.restorePreprocessor(config),
  preprocessorFor(spec, options) {
    const embedding = embeddingPreprocessorFor(spec);
    if (embedding) return embedding;
    if (spec?.kind === "image")
      throw new UsageError(
        "the backbone takes images, not audio features.",
        "pass --plugin @graft/vision",
      );
    const base = {
      ...(options.feature ? { feature: options.feature } : {}),
      ...(options.sampleRate ? { sampleRate: options.sampleRate } : {}),
      clipSeconds: options.clipSeconds ?? 1,
    };
    if (spec?.kind === "audio") {
      const p = audioPreprocessor({
        ...base,
        sampleRate: spec.sampleRate,
        windowSize: spec.windowSize,
        hopSize: spec.hopSize,
        feature: spec.feature,
        bands: spec.bands,
        ...(spec.feature === "mfcc"
          ? { bands: Math.max(spec.bands, 40), coefficients: spec.bands }
          : {}),
      });
      return p;
    }
    const p = audioPreprocessor({ ...base, bands: options.bands ?? 40 });
    if (spec?.kind === "tensor") {
      const [frames, bands] = spec.shape;
      if (frames !== p.spec.frames || bands !== p.spec.bands) {
        throw new UsageError(
          `this model takes [${spec.shape.join(", ")}] inputs; the audio features give [${p.spec.frames}, ${p.spec.bands}, 1].`,
          "match --bands and --clip-seconds to the model's input",
        );
      }
    }
    return p;
  },
  specFor: (p: Preprocessor) => p.spec,
  async dataset(inputs, labels, preprocessor) {
    return audioDataset({ inputs, labels, preprocessor: preprocessor as AudioPreprocessor });
  },
  backboneNames: ["speech"],
  freshBackbone(name, preprocessor, { width = 32, blocks = 2, seed = 1 }) {
    if (name !== "speech") throw new UsageError(`unknown audio backbone "${name}".`, "use: speech");
    return speechBackbone({ inputSpec: preprocessor.spec as AudioInputSpec, width, blocks, seed });
  },
  head(name, units, dropout) {
    if (name !== "wake-word") return undefined;
    const plain = wakeWordHead({ ...(units.length ? { units } : {}), dropout });
    // Over the speech embedding's [16, 96] sequence: openWakeWord's dense head shape.
    const sequence = embeddingWakeWordHead({ ...(units[0] ? { units: units[0] } : {}), dropout });
    return (context) => (context.featureShape.length === 2 && context.featureShape[1] === 96 ? sequence : plain)(context);
  },
  builtins: {
    "speech-embedding": async (cut) => {
      if (cut !== undefined)
        throw new UsageError(
          "--backbone speech-embedding is used whole (its output is the 96-value embedding sequence).",
          "drop --cut; choose how much of it trains with --unfreeze",
        );
      return speechEmbedding();
    },
  },
};
