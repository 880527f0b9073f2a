import { stat } from "node:fs/promises";

import { ConfigError } from "@graft/core";
import type { AudioInputSpec, Json, PluginContract, Preprocessor } from "@graft/core";

import { audioDataset } from "../data/audio-dataset.js";
import { readAudioFolder } from "../data/read-audio-folder.js";
import { readAudioManifest } from "../data/read-audio-manifest.js";
import { restoreAudioPreprocessor } from "../features/audio-preprocessor.js";
import type { AudioPreprocessor } from "../features/audio-preprocessor.js";
import { speechBackbone } from "../models/speech-backbone.js";
import { wakeWordHead } from "../models/wake-word-head.js";
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
    const listing = isFile ? await readAudioManifest(path) : await readAudioFolder(path);
    const classNames = [...listing.labels].sort();
    return {
      inputs: listing.items.map((i) => i.path),
      labels: listing.items.map((i) => classNames.indexOf(i.label)),
      classNames,
    };
  },
  restore: (config: Json) => restoreAudioPreprocessor(config),
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
    return wakeWordHead({ ...(units.length ? { units } : {}), dropout });
  },
  headHint: "--head wake-word:64:32",
  builtins: {},
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
