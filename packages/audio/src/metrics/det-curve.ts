import { ConfigError } from "@graft/core";

import { falseAcceptsPerHour, falseRejectRate } from "./wake-word-metrics.js";

/** One operating point of a detector. */
export interface DetPoint {
  readonly threshold: number;
  /** False-reject rate on the positives at this threshold. */
  readonly frr: number;
  /** False accepts per hour of negative audio at this threshold. */
  readonly faPerHour: number;
}

/**
 * False accepts on the negative audio at a threshold: either a function
 * (e.g. `t => detectionsFromScores(negativeStreamScores, { ...opts, threshold: t }).length`,
 * which honours smoothing and the refractory period), or the scores of
 * independent negative clips (each score ≥ threshold is one false accept).
 */
export type NegativeEvidence = ((threshold: number) => number) | readonly number[];

/** Options of {@link detCurve}. */
export interface DetCurveOptions {
  /** Thresholds to evaluate. @default 0, 0.005, …, 1 plus every positive (and negative-clip) score */
  thresholds?: readonly number[];
}

/**
 * The detection error trade-off curve: FRR on `positiveScores` against false
 * accepts per hour of `durationHours` of negative audio, sorted by threshold.
 */
export function detCurve(positiveScores: readonly number[], negatives: NegativeEvidence, durationHours: number, { thresholds }: DetCurveOptions = {}): DetPoint[] {
  const count = typeof negatives === "function" ? negatives : countAbove(negatives);
  const grid = thresholds ?? defaultThresholds(positiveScores, typeof negatives === "function" ? [] : negatives);
  if (grid.length === 0) throw new ConfigError("detCurve: no thresholds to evaluate.");
  return [...new Set(grid)]
    .sort((a, b) => a - b)
    .map((threshold) => ({
      threshold,
      frr: falseRejectRate(positiveScores, threshold),
      faPerHour: falseAcceptsPerHour(count(threshold), durationHours),
    }));
}

function countAbove(scores: readonly number[]): (threshold: number) => number {
  const sorted = [...scores].sort((a, b) => a - b);
  return (threshold) => {
    // First index with score ≥ threshold, by binary search.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) >= threshold) hi = mid;
      else lo = mid + 1;
    }
    return sorted.length - lo;
  };
}

function defaultThresholds(positives: readonly number[], negatives: readonly number[]): number[] {
  const grid = Array.from({ length: 201 }, (_, i) => i / 200);
  return [...grid, ...positives, ...negatives].filter((t) => Number.isFinite(t));
}
