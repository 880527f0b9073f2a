import { ConfigError, DataError } from "@graft/core";

import type { Detection } from "../stream/detection-tracker.js";

/** Share of positive clips whose score falls below `threshold` (a score ≥ threshold is accepted). */
export function falseRejectRate(positiveScores: readonly number[], threshold: number): number {
  if (positiveScores.length === 0) throw new DataError("falseRejectRate: no positive scores.");
  let rejected = 0;
  for (const score of positiveScores) if (!(score >= threshold)) rejected++;
  return rejected / positiveScores.length;
}

/** Detections (or their count) on audio that holds no wake word, per hour of that audio. */
export function falseAcceptsPerHour(detections: readonly Detection[] | number, hoursOfNegativeAudio: number): number {
  if (!(hoursOfNegativeAudio > 0)) {
    throw new ConfigError(`falseAcceptsPerHour: hours of negative audio must be positive, got ${hoursOfNegativeAudio}.`, {
      fix: "pass seconds / 3600 of the negative stream the detections came from.",
    });
  }
  const count = typeof detections === "number" ? detections : detections.length;
  return count / hoursOfNegativeAudio;
}
