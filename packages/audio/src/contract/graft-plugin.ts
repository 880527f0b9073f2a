import { stat } from "node:fs/promises";

import { ConfigError } from "@graft/core";
// Registers the ONNX importer's layers, so saved speech-embedding models load in a fresh process.
import "@graft/onnx";
import type { AudioInputSpec, Json, PluginContract, Preprocessor } from "@graft/core";

import { audioDataset } from "../data/audio-dataset.js";
import { readAudioFolder } from "../data/read-audio-folder.js";
import { readAudioManifest } from "../data/read-audio-manifest.js";
import type { AudioPreprocessor } from "../features/audio-preprocessor.js";
import { speechBackbone } from "../backbones/speech-backbone.js";
import { embeddingWakeWordHead } from "../speech-embedding/embedding-head.js";
import { embeddingPreprocessor } from "../speech-embedding/embedding-preprocessor.js";
import { speechEmbedding } from "../speech-embedding/speech-embedding.js";
import { wakeWordHead } from "../heads/wake-word-head.js";
import { audio } from "../plugin.js";
import { falseAlarmSnippets } from "./false-alarms.js";
import { listenToFile } from "./listen.js";
import { audioPreprocessorFor } from "./preprocessor-for.js";
import { DEFAULT_DETECTION, detectionMetrics, scoreRecordings } from "./recordings.js";

/** The audio plugin as tools drive it (the graft CLI imports this and nothing else of the package). */
export const graftPlugin: PluginContract = {
  plugin: audio,
  kind: "audio",
  inputsInWords: "audio clips",
  extensions: [".wav"],
  async readLabelled(path) {
    const isFile = (await stat(path).catch(() => undefined))?.isFile() ?? false;
    const { inputs, labels, classNames } = isFile ? await readAudioManifest(path) : await readAudioFolder(path);
    return { inputs, labels, classNames };
  },
  // The plugin's own restore also knows the speech embedding's front end.
  restore: (config: Json) => audio.restorePreprocessor(config),
  preprocessorFor: audioPreprocessorFor,
  specFor: (p: Preprocessor) => p.spec,
  adapterFor(spec) {
    if (spec.kind !== "audio") return "none";
    return `decode, resample to ${spec.sampleRate} Hz, recompute A's ${spec.feature} features (${spec.bands} × ${spec.frames})`;
  },
  async dataset(inputs, labels, preprocessor) {
    return audioDataset({ inputs, labels, preprocessor: preprocessor as AudioPreprocessor });
  },
  backboneNames: ["speech"],
  freshBackbone(name, preprocessor, { width = 32, blocks = 2, seed = 1 }) {
    if (name !== "speech")
      throw new ConfigError(`unknown audio backbone "${name}".`, { fix: "use: speech" });
    return speechBackbone({ inputSpec: preprocessor.spec as AudioInputSpec, width, blocks, seed });
  },
  head(name, units, dropout) {
    if (name !== "wake-word") return undefined;
    const plain = wakeWordHead({ ...(units.length ? { units } : {}), dropout });
    // Over the speech embedding's [16, 96] sequence: openWakeWord's dense head shape.
    const sequence = embeddingWakeWordHead({ ...(units[0] ? { units: units[0] } : {}), dropout });
    return (context) =>
      (context.featureShape.length === 2 && context.featureShape[1] === 96 ? sequence : plain)(context);
  },
  headHint: "--head wake-word:64:32",
  builtins: {
    "speech-embedding": {
      inputSpec: embeddingPreprocessor().spec,
      async build(cut) {
        if (cut !== undefined)
          throw new ConfigError(
            "--backbone speech-embedding is used whole (its output is the 96-value embedding sequence).",
            { fix: "drop --cut; choose how much of it trains with --unfreeze" },
          );
        return speechEmbedding();
      },
    },
  },
  detection: {
    defaults: DEFAULT_DETECTION,
    async measure(model, preprocessor, positives, negatives, threshold, settings = DEFAULT_DETECTION) {
      const recordings = await scoreRecordings(model, preprocessor as AudioPreprocessor, negatives, settings);
      return detectionMetrics(positives, recordings, threshold, settings);
    },
    listen: listenToFile,
  },
  async reportSections(predictor, { negatives, limit }) {
    if (predictor.task.kind !== "binary") return [];
    return [
      {
        id: "false-alarms-section",
        title: "False alarms",
        body: await falseAlarmSnippets(predictor, negatives, limit),
      },
    ];
  },
};
