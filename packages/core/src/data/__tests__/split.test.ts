import { describe, expect, it } from "vitest";

import { ConfigError, DataError } from "../../errors.js";
import { stratifiedSplit } from "../split.js";

function labelsOf(counts: number[]): number[] {
  return counts.flatMap((n, c) => new Array<number>(n).fill(c));
}

describe("stratifiedSplit", () => {
  it("should be deterministic for a seed and change with the seed", () => {
    const labels = labelsOf([30, 20, 10]);
    const a = stratifiedSplit(labels, { validation: 0.2, test: 0.1, seed: 5 });
    const b = stratifiedSplit(labels, { validation: 0.2, test: 0.1, seed: 5 });
    const c = stratifiedSplit(labels, { validation: 0.2, test: 0.1, seed: 6 });
    expect(a).toEqual(b);
    expect(a.validation).not.toEqual(c.validation);
  });

  it("should produce disjoint parts that cover every example", () => {
    const labels = labelsOf([17, 9, 4]);
    const { train, validation, test } = stratifiedSplit(labels, {
      validation: 0.25,
      test: 0.15,
      seed: 1,
    });
    const all = [...train, ...validation, ...test].sort((x, y) => x - y);
    expect(all).toEqual(labels.map((_, i) => i));
    expect(new Set(all).size).toBe(labels.length);
  });

  it("should keep each class's proportion in every part", () => {
    const labels = labelsOf([100, 50, 10]);
    const { train, validation } = stratifiedSplit(labels, { validation: 0.2, seed: 2 });
    const count = (idx: number[], c: number): number => idx.filter((i) => labels[i] === c).length;
    expect([count(validation, 0), count(validation, 1), count(validation, 2)]).toEqual([20, 10, 2]);
    expect([count(train, 0), count(train, 1), count(train, 2)]).toEqual([80, 40, 8]);
  });

  it("should give each class with two or more examples a validation example and keep one for training", () => {
    const labels = labelsOf([40, 2, 1, 3]);
    const { train, validation } = stratifiedSplit(labels, { validation: 0.1, seed: 0 });
    for (const c of [0, 1, 3]) expect(validation.some((i) => labels[i] === c)).toBe(true);
    for (const c of [0, 1, 2, 3]) expect(train.some((i) => labels[i] === c)).toBe(true);
    expect(validation.some((i) => labels[i] === 2)).toBe(false);
  });

  it("should stratify multilabel rows by their first positive label", () => {
    const rows = [
      ...new Array<number[]>(10).fill([1, 0, 1]),
      ...new Array<number[]>(10).fill([0, 1, 0]),
      ...new Array<number[]>(5).fill([0, 0, 0]),
    ];
    const { validation } = stratifiedSplit(rows, { validation: 0.2, seed: 4 });
    expect(validation.filter((i) => i < 10)).toHaveLength(2);
    expect(validation.filter((i) => i >= 10 && i < 20)).toHaveLength(2);
    expect(validation.filter((i) => i >= 20)).toHaveLength(1);
  });

  it("should reject an empty dataset", () => {
    expect(() => stratifiedSplit([])).toThrow(DataError);
    expect(() => stratifiedSplit([])).toThrow(/dataset is empty/);
  });

  it("should reject a single-class dataset naming the class", () => {
    expect(() => stratifiedSplit([1, 1, 1], { labelNames: ["cat", "dog"] })).toThrow(
      /found only class "dog"; a classifier needs at least two/,
    );
    expect(() =>
      stratifiedSplit([
        [1, 0],
        [1, 0],
      ]),
    ).toThrow(/found only label set 10/);
  });

  it("should reject a split that would be empty", () => {
    expect(() => stratifiedSplit([0, 1], { validation: 0.2 })).toThrow(
      /validation split would be empty/,
    );
    expect(() => stratifiedSplit(labelsOf([2, 2]), { validation: 0.2, test: 0.2 })).toThrow(
      /test split would be empty/,
    );
  });

  it("should reject fractions that leave nothing to train on", () => {
    expect(() => stratifiedSplit([0, 1], { validation: 0.6, test: 0.5 })).toThrow(ConfigError);
    expect(() => stratifiedSplit([0, 1], { validation: -0.1 })).toThrow(/split fractions/);
  });

  it("should reject labels that are not class indices", () => {
    expect(() => stratifiedSplit([0, 1.5, 1])).toThrow(/label of example 1 is 1.5/);
  });
});
