import type { StreamScores, WakeWordEvaluation } from "@graft/audio";
import {
  detectionsFromScores,
  evaluateWakeWord,
  featureSpec,
  peakSmoothed,
  predictWindows,
  slidingWindows,
} from "@graft/audio";
import type * as tf from "@tensorflow/tfjs";

import type { Recording } from "./datasets.js";
import { FEATURES, normalised } from "./features.js";
import { everydayAudio, nearMissAccepts, splitNearMisses } from "./near-misses.js";
import type { Placement } from "./stream.js";
import { spokenAround } from "./stream.js";
import type { WakeModel } from "./wakeword.js";

/** The held-out and calibration audio every model is measured on. */
export interface EvaluationAudio {
  /** Task B's validation positives, as segments: calibration. */
  readonly calibrationPositives: Recording;
  /** A negative stream from task B's side: calibration. */
  readonly calibrationStream: Recording;
  /** Positives by voices heard in neither task: test. */
  readonly testPositives: Recording;
  /** The long held-out negative stream: test. */
  readonly testStream: Recording;
}

/** How a wake-word model did. */
export interface WakeResult {
  /** Calibrated on the calibration audio for `targetFaPerHour`. */
  readonly threshold: number;
  /** FRR on the calibration positives at the threshold. */
  readonly calibrationFrr: number;
  /** Whether the calibration audio allowed the target. */
  readonly targetMet: boolean;
  /** On the test positives at `threshold`. */
  readonly frr: number;
  /** On the test stream's everyday audio (near misses left out) at `threshold`. */
  readonly faPerHour: number;
  readonly falseAccepts: number;
  /** What the everyday test audio was saying at each false accept, counted by text. */
  readonly falseAcceptsHeard: Readonly<Record<string, number>>;
  /** Hours of everyday test audio (the test stream without the windows that hear a near miss). */
  readonly testHours: number;
  /** Near misses said in the test stream ("hey graph", "graft", …) that score at or over `threshold`. */
  readonly nearMisses: ReturnType<typeof nearMissAccepts>;
  /** The best FRR at ≤ target FA/h had the threshold been picked on the test audio itself (the DET curve's point, for reference). */
  readonly testOperatingPoint: WakeWordEvaluation["calibration"];
  readonly testPositives: number;
  /** Lowest FRR on the test audio at or under each of {@link DET_POINTS} false accepts per hour of everyday audio (the test DET curve). */
  readonly det: readonly { readonly faPerHour: number; readonly frr: number }[];
  /** The same, counting the near misses' false accepts too (about 150 near misses an hour in the test stream). */
  readonly detWithNearMisses: readonly { readonly faPerHour: number; readonly frr: number }[];
  /** The whole test DET curve, one point per threshold. */
  readonly curve: readonly { readonly faPerHour: number; readonly frr: number }[];
  readonly scoringSeconds: number;
}

/** DET points printed and saved for every route, in false accepts per hour. */
export const DET_POINTS: readonly number[] = [0.5, 1, 5, 20];

/** Scores of one model on the calibration and test audio, whatever its features. */
export interface RouteScores {
  readonly calibrationPositives: readonly number[];
  readonly calibrationStream: StreamScores;
  /** What the calibration stream says where, to leave its near misses out. */
  readonly calibrationPlacements: readonly Placement[];
  readonly testPositives: readonly number[];
  readonly testStream: StreamScores;
  /** What the test stream says where: to leave out its near misses and to name what each false accept heard. */
  readonly testPlacements: readonly Placement[];
}

/**
 * Calibrates the detector's threshold for `targetFaPerHour` on the
 * calibration scores' everyday audio, then measures false rejects on the test
 * positives and false accepts per hour on the test stream's everyday audio at
 * that threshold; the near misses in the test stream are counted apart
 * (accepted or not) and in a second DET curve. Streams go through the
 * detector's smoothing, threshold and refractory period (`evaluateWakeWord`
 * replays them on the window posteriors).
 */
export function summariseScores(
  scores: RouteScores,
  { smoothing, targetFaPerHour }: { smoothing: number; targetFaPerHour: number },
  scoringSeconds: number,
): WakeResult {
  const detection = { smoothing, refractorySeconds: 1 };
  const calibrationStream = everydayAudio(scores.calibrationStream, scores.calibrationPlacements);
  const calibration = evaluateWakeWord({
    positiveScores: scores.calibrationPositives,
    negativeStream: calibrationStream,
    detection,
    targetFaPerHour,
  });
  const threshold = calibration.calibration.threshold;
  const split = splitNearMisses(scores.testStream, scores.testPlacements, smoothing);
  const measureOn = (negativeStream: StreamScores): WakeWordEvaluation =>
    evaluateWakeWord({
      positiveScores: scores.testPositives,
      negativeStream,
      detection,
      targetFaPerHour,
      threshold,
    });
  const test = measureOn(split.everyday);
  const withNearMisses = measureOn(scores.testStream);
  const heard: Record<string, number> = {};
  for (const d of detectionsFromScores(split.everyday.scores, {
    ...split.everyday,
    ...detection,
    threshold,
  })) {
    const text = spokenAround(scores.testPlacements, d.time);
    heard[text] = (heard[text] ?? 0) + 1;
  }
  const detOf = (curve: WakeWordEvaluation["curve"]): WakeResult["det"] =>
    DET_POINTS.map((fa) => ({
      faPerHour: fa,
      frr: Math.min(1, ...curve.filter((p) => p.faPerHour <= fa).map((p) => p.frr)),
    }));
  return {
    threshold,
    targetMet: calibration.calibration.met,
    calibrationFrr: calibration.calibration.frr,
    frr: test.frr,
    faPerHour: test.faPerHour,
    falseAccepts: Math.round(test.faPerHour * test.negativeHours),
    falseAcceptsHeard: heard,
    testHours: test.negativeHours,
    nearMisses: nearMissAccepts(split.nearMisses, threshold),
    testPositives: scores.testPositives.length,
    testOperatingPoint: test.calibration,
    det: detOf(test.curve),
    detWithNearMisses: detOf(withNearMisses.curve),
    curve: test.curve.map(({ faPerHour, frr }) => ({ faPerHour, frr })),
    scoringSeconds,
  };
}

/** {@link summariseScores} of a log-mel model: its window posteriors over the features computed once. */
export async function measureWakeModel(
  model: WakeModel,
  audio: EvaluationAudio,
  measure: { smoothing: number; targetFaPerHour: number },
): Promise<WakeResult> {
  const started = performance.now();
  const net = model.transfer.model;
  const norm = (r: Recording): Float32Array => normalised(r.features, model.stats);
  const segments = (r: Recording): Promise<number[]> =>
    segmentScores(net, norm(r), r.frames, measure.smoothing);
  const scores: RouteScores = {
    calibrationPositives: await segments(audio.calibrationPositives),
    calibrationStream: await streamScores(
      net,
      norm(audio.calibrationStream),
      audio.calibrationStream.seconds,
    ),
    calibrationPlacements: audio.calibrationStream.placements ?? [],
    testPositives: await segments(audio.testPositives),
    testStream: await streamScores(net, norm(audio.testStream), audio.testStream.seconds),
    testPlacements: audio.testStream.placements ?? [],
  };
  return summariseScores(scores, measure, (performance.now() - started) / 1000);
}

const { frames: WINDOW_FRAMES, bands: BANDS } = featureSpec(FEATURES);
/** Windows slide by 0.1 s: 5 feature hops of 20 ms. */
const STEP_FRAMES = 5;
const INPUT = { inputShape: [WINDOW_FRAMES, BANDS, 1], batchSize: 128 };

/**
 * Window posteriors of a stream whose normalised features were computed
 * once: each window's features are a slice of the stream's, so a long stream
 * costs one feature pass however many models score it.
 */
async function streamScores(
  model: tf.LayersModel,
  features: Float32Array,
  seconds: number,
): Promise<StreamScores> {
  const windows = slidingWindows(features, BANDS, WINDOW_FRAMES, STEP_FRAMES);
  return {
    scores: await predictWindows(model, windows.count, windows.at, INPUT),
    windowSeconds: FEATURES.clipSeconds,
    hopSeconds: (STEP_FRAMES * FEATURES.hopSize) / FEATURES.sampleRate,
    hours: seconds / 3600,
  };
}

/** The best smoothed posterior of each positive segment: what the streaming detector sees at its best. */
async function segmentScores(
  model: tf.LayersModel,
  segments: Float32Array,
  segmentFrames: number,
  smoothing: number,
): Promise<number[]> {
  const size = segmentFrames * BANDS;
  const count = segments.length / size;
  const per = slidingWindows(segments.subarray(0, size), BANDS, WINDOW_FRAMES, STEP_FRAMES).count;
  const all = await predictWindows(
    model,
    count * per,
    (i) =>
      slidingWindows(
        segments.subarray(Math.floor(i / per) * size, (Math.floor(i / per) + 1) * size),
        BANDS,
        WINDOW_FRAMES,
        STEP_FRAMES,
      ).at(i % per),
    INPUT,
  );
  return Array.from({ length: count }, (_, s) =>
    peakSmoothed(all.slice(s * per, (s + 1) * per), smoothing),
  );
}
