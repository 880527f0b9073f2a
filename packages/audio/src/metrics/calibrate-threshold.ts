import { ConfigError } from "@graft/core";

import type { DetCurveOptions, DetPoint, NegativeEvidence } from "./det-curve.js";
import { detCurve } from "./det-curve.js";

/** Options of {@link calibrateThreshold}. */
export interface CalibrateThresholdOptions extends DetCurveOptions {
  /** Scores of held-out positive clips. */
  readonly positiveScores: readonly number[];
  /** False accepts on held-out negative audio, see {@link NegativeEvidence}. */
  readonly negatives: NegativeEvidence;
  /** Hours of that negative audio. */
  readonly durationHours: number;
  /** Most false accepts per hour allowed. @default 1 */
  readonly targetFaPerHour?: number;
}

/** The chosen operating point; `met` is false when no threshold reaches the target (the strictest is returned). */
export interface Calibration extends DetPoint {
  readonly met: boolean;
  readonly targetFaPerHour: number;
}

/**
 * Picks the threshold with the lowest false-reject rate whose false accepts
 * per hour stay at or below `targetFaPerHour`, to store with the model. Ties
 * (common with few positives) go to the fewest false accepts, then to the
 * middle of the tied thresholds, rather than to an edge of the range.
 */
export function calibrateThreshold({ positiveScores, negatives, durationHours, targetFaPerHour = 1, thresholds }: CalibrateThresholdOptions): Calibration {
  if (!(targetFaPerHour >= 0)) throw new ConfigError(`calibrateThreshold: targetFaPerHour must be ≥ 0, got ${targetFaPerHour}.`);
  const curve = detCurve(positiveScores, negatives, durationHours, thresholds ? { thresholds } : {});
  const meeting = curve.filter((point) => point.faPerHour <= targetFaPerHour);
  if (meeting.length > 0) {
    const frr = Math.min(...meeting.map((p) => p.frr));
    const fewestFa = Math.min(...meeting.filter((p) => p.frr === frr).map((p) => p.faPerHour));
    const tied = meeting.filter((p) => p.frr === frr && p.faPerHour === fewestFa);
    return { ...(tied[Math.floor((tied.length - 1) / 2)] as DetPoint), met: true, targetFaPerHour };
  }
  const strictest = curve.at(-1) as DetPoint;
  return { ...strictest, met: false, targetFaPerHour };
}
