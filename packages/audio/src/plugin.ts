import type { DomainPlugin } from "@graft/core";

import type { AudioRaw } from "./features/audio-preprocessor.js";
import { restoreAudioPreprocessor } from "./features/audio-preprocessor.js";
import { speechBackbone } from "./backbones/speech-backbone.js";
import { wakeWordHead } from "./heads/wake-word-head.js";
import { embeddingWakeWordHead } from "./speech-embedding/embedding-head.js";
import { isEmbeddingPreprocessorConfig, restoreEmbeddingPreprocessor } from "./speech-embedding/embedding-preprocessor.js";
import { speechEmbedding } from "./speech-embedding/speech-embedding.js";

/** Backbone factories of the audio plugin. */
export interface AudioBackbones {
  readonly speechBackbone: typeof speechBackbone;
  /** Google's speech embedding, pre-trained on ~200 M clips (async: it reads and imports the ONNX file). */
  readonly speechEmbedding: typeof speechEmbedding;
}

/** Head factories of the audio plugin. */
export interface AudioHeads {
  readonly wakeWordHead: typeof wakeWordHead;
  /** Heads over `speechEmbedding()`'s `[16, 96]` embedding sequences. */
  readonly embeddingWakeWordHead: typeof embeddingWakeWordHead;
}

/** The audio plugin: pass it to graft's core (`audio.backbones.speechBackbone()`, `audio.heads.wakeWordHead()`). */
export const audio: DomainPlugin<AudioBackbones, AudioHeads, AudioRaw> = {
  name: "audio",
  packageName: "@graft/audio",
  inputKind: "audio",
  // Models on the speech embedding save the openWakeWord front end's config; all others the meyda one.
  restorePreprocessor: (config) => (isEmbeddingPreprocessorConfig(config) ? restoreEmbeddingPreprocessor(config) : restoreAudioPreprocessor(config)),
  backbones: { speechBackbone, speechEmbedding },
  heads: { wakeWordHead, embeddingWakeWordHead },
};
