import {
  decodeWav,
  detCurve,
  detectionsFromScores,
  modelScoreFn,
  resample,
  type AudioPreprocessor,
  type DetPoint,
} from "@graft/audio";
import type * as tf from "@tensorflow/tfjs";

/** Posteriors of a wake-word model over long negative recordings, scored once for every threshold. */
export interface ScoredRecordings {
  readonly files: readonly string[];
  /** Window posteriors of each recording, one per hop. */
  readonly scores: readonly (readonly number[])[];
  readonly seconds: number;
  readonly windowSeconds: number;
  readonly hopSeconds: number;
}

/** Detection settings shared by `evaluate`, `listen` and `report`. */
export interface DetectionSettings {
  readonly hopSeconds: number;
  readonly smoothing: number;
  readonly refractorySeconds: number;
}

/** Default detection settings (those of @graft/audio's detector). */
export const DEFAULT_DETECTION: DetectionSettings = {
  hopSeconds: 0.1,
  smoothing: 3,
  refractorySeconds: 1,
};

/** Decodes a WAV file and resamples it to the preprocessor's rate. */
export async function readSamples(
  file: string,
  preprocessor: AudioPreprocessor,
): Promise<Float32Array> {
  const decoded = await decodeWav(file);
  const rate = preprocessor.featureConfig.sampleRate;
  return decoded.sampleRate === rate
    ? decoded.samples
    : resample(decoded.samples, decoded.sampleRate, rate);
}

/** Scores every window (clip length, one per hop) of each recording. */
export async function scoreRecordings(
  model: tf.LayersModel,
  preprocessor: AudioPreprocessor,
  files: readonly string[],
  settings: DetectionSettings,
): Promise<ScoredRecordings> {
  const rate = preprocessor.featureConfig.sampleRate;
  const window = Math.round(preprocessor.featureConfig.clipSeconds * rate);
  const hop = Math.max(1, Math.round(settings.hopSeconds * rate));
  const score = modelScoreFn(model, preprocessor);
  const all: number[][] = [];
  let seconds = 0;
  for (const file of files) {
    const samples = await readSamples(file, preprocessor);
    seconds += samples.length / rate;
    const scores: number[] = [];
    let batch: Float32Array[] = [];
    for (let start = 0; start + window <= samples.length; start += hop) {
      batch.push(samples.subarray(start, start + window));
      if (batch.length === 32) {
        scores.push(...(await score(batch)));
        batch = [];
      }
    }
    if (batch.length > 0) scores.push(...(await score(batch)));
    all.push(scores);
  }
  return { files, scores: all, seconds, windowSeconds: window / rate, hopSeconds: hop / rate };
}

/** Detections on every recording at `threshold`, with the recording they came from. */
export function detectionsAt(
  recordings: ScoredRecordings,
  threshold: number,
  settings: DetectionSettings,
) {
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

/** What {@link wakeWordMetrics} measures. */
export type WakeWordMetrics = ReturnType<typeof wakeWordMetrics>;

/** Wake-word metrics at a threshold: FRR on positive clips, false accepts per hour of negative audio, and the DET curve. */
export function wakeWordMetrics(
  positiveScores: readonly number[],
  recordings: ScoredRecordings,
  threshold: number,
  settings: DetectionSettings,
) {
  const hours = recordings.seconds / 3600;
  const count = (t: number) => detectionsAt(recordings, t, settings).length;
  const frr = positiveScores.length
    ? positiveScores.filter((s) => !(s >= threshold)).length / positiveScores.length
    : null;
  const falseAccepts = count(threshold);
  const grid = Array.from({ length: 41 }, (_, i) => i / 40);
  const det: DetPoint[] =
    positiveScores.length && hours > 0
      ? detCurve(positiveScores, count, hours, { thresholds: grid })
      : [];
  return {
    threshold,
    frr,
    falseAccepts,
    faPerHour: hours > 0 ? falseAccepts / hours : null,
    negativeSeconds: recordings.seconds,
    det,
  };
}
