import { describe, expect, it } from "vitest";

import { InputMismatchError } from "../../errors.js";
import { evaluatePredictions } from "../evaluate-predictions.js";

describe("evaluatePredictions", () => {
  it("should report a binary task at the default threshold with the positive class's ROC", () => {
    const probs = [[0.9], [0.6], [0.4], [0.2], [0.7]];
    const labels = [1, 1, 1, 0, 0];
    const report = evaluatePredictions(probs, labels, { kind: "binary", labels: ["ok", "sick"] });
    // predictions at 0.5: 1 1 0 0 1
    expect(report.confusion).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(report.accuracy).toBeCloseTo(3 / 5, 12);
    expect(report.threshold).toBe(0.5);
    expect(report.roc).toHaveLength(1);
    expect(report.roc[0]?.label).toBe("sick");
    // pairs (pos, neg): 0.9 beats both, 0.6 beats 0.2 only, 0.4 beats 0.2 only → 4/6.
    expect(report.macroAuc).toBeCloseTo(4 / 6, 12);
    expect(report.perClass[0]?.auc).toBeCloseTo(2 / 6, 12);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("should apply a given threshold and accept two softmax columns or a flat array", () => {
    const labels = [1, 1, 1, 0, 0];
    const twoCols = [0.9, 0.6, 0.4, 0.2, 0.7].map((p) => [1 - p, p]);
    const report = evaluatePredictions(
      twoCols,
      labels,
      { kind: "binary", labels: ["n", "p"] },
      { threshold: 0.65 },
    );
    expect(report.threshold).toBe(0.65);
    expect(report.confusion).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const flat = evaluatePredictions(
      new Float32Array(twoCols.flat()),
      labels,
      { kind: "binary", labels: ["n", "p"] },
      { threshold: 0.65 },
    );
    expect(flat.confusion).toEqual(report.confusion);
  });

  it("should use argmax and one-vs-rest ROC for multiclass", () => {
    const probs = [
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.2, 0.7],
      [0.5, 0.4, 0.1],
    ];
    const report = evaluatePredictions(probs, [0, 1, 2, 1], {
      kind: "multiclass",
      labels: ["a", "b", "c"],
    });
    expect(report.threshold).toBeNull();
    expect(report.accuracy).toBe(0.75);
    expect(report.confusion?.[1]).toEqual([1, 1, 0]);
    expect(report.roc.map((r) => r.label)).toEqual(["a", "b", "c"]);
    expect(report.perClass[0]?.auc).toBe(1);
    expect(report.perClass[2]?.auc).toBe(1);
    // class b scores: positives 0.7, 0.4; negatives 0.1, 0.2 → perfectly ranked.
    expect(report.perClass[1]?.auc).toBe(1);
  });

  it("should score each label at the threshold for multilabel", () => {
    const probs = [
      [0.9, 0.2],
      [0.6, 0.8],
      [0.1, 0.7],
    ];
    const labels = [
      [1, 0],
      [1, 0],
      [0, 1],
    ];
    const report = evaluatePredictions(probs, labels, { kind: "multilabel", labels: ["x", "y"] });
    expect(report.confusion).toBeNull();
    expect(report.accuracy).toBeCloseTo(2 / 3, 12);
    expect(report.perClass[0]).toMatchObject({ precision: 1, recall: 1, support: 2, auc: 1 });
    expect(report.perClass[1]).toMatchObject({
      precision: 0.5,
      recall: 1,
      support: 1,
      falsePositives: 1,
    });
  });

  it("should leave out a class without positives from ROC and name mismatched shapes", () => {
    const report = evaluatePredictions(
      [
        [0.6, 0.4],
        [0.3, 0.7],
      ],
      [0, 0],
      { kind: "multiclass", labels: ["a", "b"] },
    );
    expect(report.roc).toEqual([]);
    expect(report.macroAuc).toBeNull();
    expect(() =>
      evaluatePredictions([[0.1, 0.9]], [0], { kind: "multiclass", labels: ["a", "b", "c"] }),
    ).toThrow(InputMismatchError);
    expect(() =>
      evaluatePredictions([[0.1, 0.9]], [0], { kind: "multiclass", labels: ["a", "b", "c"] }),
    ).toThrow(/expects 3 probabilities per example, got 2/);
    expect(() => evaluatePredictions([[0.5]], [2], { kind: "binary", labels: ["n", "p"] })).toThrow(
      /label of example 0 is 2/,
    );
  });
});
