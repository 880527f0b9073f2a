import { describe, expect, it } from "vitest";

import { detectionsFromScores } from "../../stream/detection-tracker.js";
import { calibrateThreshold } from "../calibrate-threshold.js";
import { detCurve } from "../det-curve.js";
import { falseAcceptsPerHour, falseRejectRate } from "../wake-word-metrics.js";

describe("falseRejectRate", () => {
  it("should count positives scored below the threshold", () => {
    expect(falseRejectRate([0.1, 0.5, 0.6, 0.9], 0.5)).toBe(0.25);
    expect(falseRejectRate([0.1, 0.5, 0.6, 0.9], 0.95)).toBe(1);
    expect(() => falseRejectRate([], 0.5)).toThrow(/no positive scores/);
  });
});

describe("falseAcceptsPerHour", () => {
  it("should count detections on a known negative stream per hour", () => {
    // 30 minutes of negative stream scored every 0.5 s, with 6 spikes of 3 windows each.
    const windows = 3600;
    const scores = new Array<number>(windows).fill(0.05);
    for (const at of [100, 600, 601, 1500, 2000, 3000, 3500]) for (let k = 0; k < 3; k++) scores[at + k] = 0.9;
    const detections = detectionsFromScores(scores, { windowSeconds: 1, hopSeconds: 0.5, smoothing: 1, threshold: 0.5, refractorySeconds: 2 });
    // Spikes at 600 and 601 overlap into one 4-window burst: refractory keeps it one detection.
    expect(detections).toHaveLength(6);
    expect(falseAcceptsPerHour(detections, windows * 0.5 / 3600)).toBe(12);
    expect(falseAcceptsPerHour(3, 0.25)).toBe(12);
    expect(() => falseAcceptsPerHour(detections, 0)).toThrow(/hours of negative audio must be positive/);
  });
});

describe("detCurve", () => {
  const positives = [0.2, 0.4, 0.6, 0.8];
  const negatives = [0.1, 0.3, 0.5, 0.7, 0.9, 0.05];

  it("should trade false rejects against false accepts per hour", () => {
    const curve = detCurve(positives, negatives, 2, { thresholds: [0.5, 0, 0.85] });
    expect(curve).toEqual([
      { threshold: 0, frr: 0, faPerHour: 3 },
      { threshold: 0.5, frr: 0.5, faPerHour: 1.5 },
      { threshold: 0.85, frr: 1, faPerHour: 0.5 },
    ]);
  });

  it("should be monotone on the default grid and accept a negative-stream function", () => {
    const stream = [0.1, 0.7, 0.7, 0.1, 0.95, 0.1, 0.3];
    const count = (t: number): number => detectionsFromScores(stream, { smoothing: 1, threshold: t, refractorySeconds: 0 }).length;
    const curve = detCurve(positives, count, 0.5);
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.frr).toBeGreaterThanOrEqual(curve[i - 1]!.frr);
      expect(curve[i]!.faPerHour).toBeLessThanOrEqual(curve[i - 1]!.faPerHour);
    }
    expect(curve.find((p) => p.threshold === 0.6)).toEqual({ threshold: 0.6, frr: 0.5, faPerHour: 6 });
  });
});

describe("calibrateThreshold", () => {
  it("should pick the lowest-FRR threshold meeting the FA/hour target", () => {
    const positives = [0.2, 0.4, 0.6, 0.8];
    const negatives = [0.1, 0.3, 0.5, 0.7, 0.9, 0.05];
    // 1 hour: at most 2 negatives may score ≥ t, so t must exceed 0.5; the lowest FRR is then 0.5 (t ∈ (0.5, 0.6]).
    const result = calibrateThreshold({ positiveScores: positives, negatives, durationHours: 1, targetFaPerHour: 2 });
    expect(result.met).toBe(true);
    expect(result.frr).toBe(0.5);
    expect(result.faPerHour).toBe(2);
    // Every threshold in (0.5, 0.6] ties; the middle one is kept, not an edge.
    expect(result.threshold).toBeCloseTo(0.55, 2);
  });

  it("should say when no threshold meets the target", () => {
    const result = calibrateThreshold({ positiveScores: [0.5], negatives: [2], durationHours: 1, targetFaPerHour: 0, thresholds: [0, 1] });
    expect(result).toEqual({ threshold: 1, frr: 1, faPerHour: 1, met: false, targetFaPerHour: 0 });
  });
});
