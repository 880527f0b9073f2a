import { describe, expect, it } from "vitest";

import { evaluateWakeWord } from "../evaluate-wake-word.js";

describe("evaluateWakeWord", () => {
  it("should calibrate on a scored negative stream and report FRR and FA/hour", () => {
    // Half an hour of windows every 0.5 s, with one burst reaching 0.6 and two reaching 0.8.
    const scores = new Array<number>(3600).fill(0.1);
    scores.splice(100, 2, 0.6, 0.6);
    scores.splice(1000, 3, 0.8, 0.8, 0.8);
    scores.splice(2000, 1, 0.8);
    const negativeStream = { scores, windowSeconds: 1, hopSeconds: 0.5, hours: 0.5 };
    const positiveScores = [0.5, 0.7, 0.9, 0.95];
    const result = evaluateWakeWord({ positiveScores, negativeStream, detection: { smoothing: 1, refractorySeconds: 2 }, targetFaPerHour: 2 });
    // At most one false accept in half an hour: only the threshold above 0.8 qualifies, rejecting 0.5 and 0.7.
    expect(result.calibration.met).toBe(true);
    expect(result.calibration.threshold).toBeGreaterThan(0.8);
    expect(result.calibration.threshold).toBeLessThanOrEqual(0.9);
    expect(result.frr).toBe(0.5);
    expect(result.faPerHour).toBe(0);
    // At 0.6 the three bursts are three false accepts: 6 per hour.
    const fixed = evaluateWakeWord({ positiveScores, negativeStream, detection: { smoothing: 1, refractorySeconds: 2 }, threshold: 0.6 });
    expect(fixed.faPerHour).toBe(6);
    expect(fixed.frr).toBe(0.25);
    expect(fixed.negativeHours).toBe(0.5);
  });
});
