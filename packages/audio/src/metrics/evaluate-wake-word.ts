import { detectionsFromScores } from "../stream/detection-tracker.js";
import type { DetectionOptions } from "../stream/detection-tracker.js";
import type { StreamScores } from "../stream/score-stream.js";
import type { Calibration } from "./calibrate-threshold.js";
import { calibrateThreshold } from "./calibrate-threshold.js";
import type { DetPoint } from "./det-curve.js";
import { detCurve } from "./det-curve.js";
import { falseRejectRate } from "./wake-word-metrics.js";

/** Options of {@link evaluateWakeWord}. */
export interface EvaluateWakeWordOptions {
  /** Posterior of each held-out positive clip. */
  readonly positiveScores: readonly number[];
  /** `scoreStream` of a long held-out negative recording. */
  readonly negativeStream: StreamScores;
  /** Smoothing and refractory period used on the stream (threshold is swept). */
  readonly detection?: Omit<DetectionOptions, "threshold" | "windowSeconds" | "hopSeconds">;
  /** Target for the calibrated threshold. @default 1 */
  readonly targetFaPerHour?: number;
  /** Also report FRR and FA/hour at this threshold (e.g. one calibrated on other data). */
  readonly threshold?: number;
}

/** FRR, false accepts per hour, the DET curve and the calibrated threshold of a wake-word model. */
export interface WakeWordEvaluation {
  readonly calibration: Calibration;
  readonly curve: readonly DetPoint[];
  /** At `options.threshold` when given, else at the calibrated threshold. */
  readonly frr: number;
  readonly faPerHour: number;
  readonly negativeHours: number;
}

/**
 * Sweeps the threshold over held-out positives and a scored negative stream
 * (with the stream's smoothing and refractory period), calibrates it for
 * `targetFaPerHour` and reports FRR and false accepts per hour.
 */
export function evaluateWakeWord({ positiveScores, negativeStream, detection = {}, targetFaPerHour = 1, threshold }: EvaluateWakeWordOptions): WakeWordEvaluation {
  const { scores, windowSeconds, hopSeconds, hours } = negativeStream;
  const count = (t: number): number => detectionsFromScores(scores, { ...detection, windowSeconds, hopSeconds, threshold: t }).length;
  const curve = detCurve(positiveScores, count, hours);
  const calibration = calibrateThreshold({ positiveScores, negatives: count, durationHours: hours, targetFaPerHour });
  const at = threshold ?? calibration.threshold;
  return {
    calibration,
    curve,
    frr: falseRejectRate(positiveScores, at),
    faPerHour: count(at) / hours,
    negativeHours: hours,
  };
}
