import type { DetectionMetrics, DetectionSettings } from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import { loadAudio } from "../decode/load-audio.js";
import type { AudioPreprocessor } from "../features/audio-preprocessor.js";
import { detCurve } from "../metrics/det-curve.js";
import { falseRejectRate } from "../metrics/wake-word-metrics.js";
import { detectionOptions, detectionsFromScores } from "../stream/detection-tracker.js";
import type { Detection } from "../stream/detection-tracker.js";
import { scoreStream } from "../stream/score-stream.js";

const defaults = detectionOptions();

/** The detector's defaults, the ones `StreamingDetector` and `detectionsFromScores` use. */
export const DEFAULT_DETECTION: DetectionSettings = {
  hopSeconds: defaults.hopSeconds,
  smoothing: defaults.smoothing,
  refractorySeconds: defaults.refractorySeconds,
};

/** Window posteriors of a model over long recordings, scored once for every threshold. */
export interface ScoredRecordings {
  readonly files: readonly string[];
  /** Window posteriors of each recording, one per hop. */
  readonly scores: readonly (readonly number[])[];
  readonly seconds: number;
  readonly windowSeconds: number;
  readonly hopSeconds: number;
}

/** Scores every window (one clip long, one per hop) of each recording, decoded and resampled to the model's rate. */
export async function scoreRecordings(
  model: tf.LayersModel,
  preprocessor: AudioPreprocessor,
  files: readonly string[],
  { hopSeconds }: Pick<DetectionSettings, "hopSeconds"> = DEFAULT_DETECTION,
): Promise<ScoredRecordings> {
  const { sampleRate, clipSeconds } = preprocessor.featureConfig;
  const scores: number[][] = [];
  let seconds = 0;
  let timing = { windowSeconds: clipSeconds, hopSeconds };
  for (const file of files) {
    const samples = await loadAudio(file, sampleRate);
    seconds += samples.length / sampleRate;
    const scored = await scoreStream({ model, preprocessor }, samples, {
      sampleRate,
      windowSeconds: clipSeconds,
      hopSeconds,
    });
    timing = { windowSeconds: scored.windowSeconds, hopSeconds: scored.hopSeconds };
    scores.push(scored.scores);
  }
  return { files, scores, seconds, ...timing };
}

/** Detections on every recording at `threshold`, with the recording they came from. */
export function detectionsAt(
  recordings: ScoredRecordings,
  threshold: number,
  settings: DetectionSettings = DEFAULT_DETECTION,
): (Detection & { readonly file: string; readonly recording: number })[] {
  return recordings.scores.flatMap((scores, r) =>
    detectionsFromScores(scores, {
      threshold,
      windowSeconds: recordings.windowSeconds,
      hopSeconds: recordings.hopSeconds,
      smoothing: settings.smoothing,
      refractorySeconds: settings.refractorySeconds,
    }).map((d) => ({ ...d, file: recordings.files[r] as string, recording: r })),
  );
}

/** FRR on positive clips' scores and false accepts per hour on scored recordings at `threshold`, with the DET curve. */
export function detectionMetrics(
  positiveScores: readonly number[],
  recordings: ScoredRecordings,
  threshold: number,
  settings: DetectionSettings = DEFAULT_DETECTION,
): DetectionMetrics {
  const hours = recordings.seconds / 3600;
  const count = (t: number) => detectionsAt(recordings, t, settings).length;
  const falseAccepts = count(threshold);
  const measurable = positiveScores.length > 0 && hours > 0;
  return {
    threshold,
    frr: positiveScores.length ? falseRejectRate(positiveScores, threshold) : null,
    falseAccepts,
    faPerHour: hours > 0 ? falseAccepts / hours : null,
    negativeSeconds: recordings.seconds,
    det: measurable ? detCurve(positiveScores, count, hours) : [],
  };
}
