import { describe, expect, it } from "vitest";

import { createRng } from "../../data/random.js";
import { classificationReport } from "../classification-report.js";
import { confusionMatrix } from "../confusion-matrix.js";
import { auc, rocCurve } from "../roc.js";

/** Independent AUC: the share of (positive, negative) pairs ranked right, ties counting half. */
function bruteForceAuc(scores: number[], positives: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!positives[i]) return;
    scores.forEach((sn, j) => {
      if (positives[j]) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("confusionMatrix", () => {
  it("should count (true, predicted) pairs row by true class", () => {
    expect(confusionMatrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
  });

  it("should reject indices out of range and length mismatches", () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/example 1 has label 3/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/2 predictions for 1 labels/);
  });
});

describe("classificationReport", () => {
  it("should compute accuracy, per-class precision/recall/F1 and macro averages by hand", () => {
    const report = classificationReport([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], 3, [
      "a",
      "b",
      "c",
    ]);
    expect(report.accuracy).toBeCloseTo(5 / 7, 12);
    const [a, b, c] = report.perClass;
    // class a: tp 1, predicted 2 times, support 2.
    expect(a).toMatchObject({ label: "a", precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(b).toMatchObject({ label: "b", precision: 2 / 3, recall: 1, support: 2 });
    expect(b?.f1).toBeCloseTo(0.8, 12);
    expect(c).toMatchObject({
      label: "c",
      precision: 1,
      recall: 2 / 3,
      support: 3,
      trueNegatives: 4,
    });
    expect(report.macroF1).toBeCloseTo((0.5 + 0.8 + 0.8) / 3, 12);
    expect(report.macroPrecision).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 12);
  });

  it("should score a class that is never predicted as 0, not NaN", () => {
    const report = classificationReport([0, 1, 1], [1, 1, 1], 2);
    expect(report.perClass[0]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe("rocCurve and auc", () => {
  it("should give 1 for perfectly separated scores and 0 for reversed ones", () => {
    expect(auc(rocCurve([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0]))).toBe(1);
    expect(auc(rocCurve([0.1, 0.3, 0.8, 0.9], [1, 1, 0, 0]))).toBe(0);
  });

  it("should give 0.5 when every score ties", () => {
    const curve = rocCurve([0.5, 0.5, 0.5, 0.5], [true, false, true, false]);
    expect(curve).toEqual({ fpr: [0, 1], tpr: [0, 1], thresholds: [1.5, 0.5] });
    expect(auc(curve)).toBe(0.5);
  });

  it("should build the known curve of a small example", () => {
    const curve = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(curve.thresholds).toEqual([1.8, 0.8, 0.4, 0.35, 0.1]);
    expect(auc(curve)).toBe(0.75);
  });

  it("should match a brute-force pairwise AUC on random data with ties", () => {
    const rng = createRng(9);
    for (let trial = 0; trial < 20; trial++) {
      const n = 20 + rng.int(60);
      const positives = Array.from({ length: n }, () => rng.next() < 0.4);
      positives[0] = true;
      positives[1] = false;
      // Coarse rounding makes many ties; the shift makes positives score higher on average.
      const scores = positives.map((p) => Math.round((rng.next() + (p ? 0.3 : 0)) * 10) / 10);
      expect(auc(rocCurve(scores, positives))).toBeCloseTo(bruteForceAuc(scores, positives), 12);
    }
  });

  it("should refuse scores without both classes", () => {
    expect(() => rocCurve([0.1, 0.2], [1, 1])).toThrow(/2 positive and 0 negative/);
    expect(() => rocCurve([0.1, Number.NaN], [1, 0])).toThrow(/score 1 is NaN/);
  });
});
