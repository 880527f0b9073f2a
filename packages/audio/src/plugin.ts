import type { DomainPlugin } from "@graft/core";

import type { AudioRaw } from "./features/audio-preprocessor.js";
import { restoreAudioPreprocessor } from "./features/audio-preprocessor.js";
import { speechBackbone } from "./models/speech-backbone.js";
import { wakeWordHead } from "./models/wake-word-head.js";

/** Backbone factories of the audio plugin. */
export interface AudioBackbones {
  readonly speechBackbone: typeof speechBackbone;
}

/** Head factories of the audio plugin. */
export interface AudioHeads {
  readonly wakeWordHead: typeof wakeWordHead;
}

/** The audio plugin: pass it to graft's core (`audio.backbones.speechBackbone()`, `audio.heads.wakeWordHead()`). */
export const audio: DomainPlugin<AudioBackbones, AudioHeads, AudioRaw> = {
  name: "audio",
  packageName: "@graft/audio",
  inputKind: "audio",
  restorePreprocessor: restoreAudioPreprocessor,
  backbones: { speechBackbone },
  heads: { wakeWordHead },
};
