import { ConfigError, DataError } from "../errors.js";
import { createRng } from "./random.js";

/** Options of {@link stratifiedSplit}. */
export interface SplitOptions {
  /**
   * Fraction of the examples held out for validation.
   * @default 0.2
   */
  validation?: number;
  /**
   * Fraction of the examples held out for a final test.
   * @default 0
   */
  test?: number;
  /**
   * Seed of the shuffle: the same seed and labels always give the same split.
   * @default 0
   */
  seed?: number;
  /** Class names, used in error messages instead of indices. */
  labelNames?: readonly string[];
}

/** Example indices of each part of a split, in ascending order; the parts are disjoint. */
export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * Splits examples into train / validation / test, keeping each class's share
 * about the same in every part. Labels are class indices, or 0/1 rows for
 * multilabel data (stratified by each example's first positive label). Every
 * class keeps at least one example in train, and every class with two or more
 * examples gets at least one in validation when `validation > 0`.
 */
export function stratifiedSplit(
  labels: readonly number[] | readonly (readonly number[])[],
  { validation = 0.2, test = 0, seed = 0, labelNames }: SplitOptions = {},
): Split {
  checkFractions(validation, test);
  if (labels.length === 0) {
    throw new DataError("the dataset is empty: expected at least 2 labelled examples, got 0.", {
      fix: "check the data folder or manifest path; each class needs its own examples",
    });
  }
  const strata = groupByStratum(labels, labelNames);
  const rng = createRng(seed);
  const keys = [...strata.keys()].sort((a, b) => a - b);
  const groups = keys.map((key) => rng.shuffle(strata.get(key) ?? []));
  const sizes = groups.map((g) => g.length);

  const valCounts = allocate(
    sizes,
    validation,
    sizes.map(() => 0),
    2,
  );
  const testCounts = allocate(sizes, test, valCounts, 3);

  const split: Split = { train: [], validation: [], test: [] };
  groups.forEach((group, i) => {
    const v = valCounts[i] ?? 0;
    const t = testCounts[i] ?? 0;
    split.validation.push(...group.slice(0, v));
    split.test.push(...group.slice(v, v + t));
    split.train.push(...group.slice(v + t));
  });
  for (const part of ["validation", "test"] as const) {
    const fraction = part === "validation" ? validation : test;
    if (fraction > 0 && split[part].length === 0) {
      throw new DataError(
        `the ${part} split would be empty: ${labels.length} examples are too few for ${part}: ${fraction}.`,
        { fix: `add examples (at least 2 per class), or pass ${part}: 0` },
      );
    }
  }
  split.train.sort((a, b) => a - b);
  split.validation.sort((a, b) => a - b);
  split.test.sort((a, b) => a - b);
  return split;
}

function checkFractions(validation: number, test: number): void {
  const ok = (x: number): boolean => Number.isFinite(x) && x >= 0 && x < 1;
  if (!ok(validation) || !ok(test) || validation + test >= 1) {
    throw new ConfigError(
      `split fractions must be in [0, 1) and leave room for training; got validation: ${validation}, test: ${test}.`,
      { fix: "use e.g. { validation: 0.2, test: 0.1 }" },
    );
  }
}

function groupByStratum(
  labels: readonly number[] | readonly (readonly number[])[],
  labelNames: readonly string[] | undefined,
): Map<number, number[]> {
  const strata = new Map<number, number[]>();
  const setKeys = new Set<string>();
  labels.forEach((label, index) => {
    let key: number;
    if (typeof label === "number") {
      if (!Number.isInteger(label) || label < 0) {
        throw new DataError(
          `label of example ${index} is ${label}; expected a class index (integer ≥ 0).`,
        );
      }
      key = label;
    } else {
      // Multilabel: the first positive label stands for the row; -1 for "no label".
      key = label.findIndex((v) => v > 0.5);
      setKeys.add(label.map((v) => (v > 0.5 ? 1 : 0)).join(""));
    }
    const group = strata.get(key);
    if (group) group.push(index);
    else strata.set(key, [index]);
  });
  const multilabel = typeof labels[0] !== "number";
  if (multilabel ? setKeys.size === 1 : strata.size === 1) {
    const only = multilabel
      ? `label set ${[...setKeys][0]}`
      : `class ${nameOf(strata.keys().next().value ?? 0, labelNames)}`;
    throw new DataError(`found only ${only}; a classifier needs at least two.`, {
      fix: "add examples of the other class(es) to the dataset",
    });
  }
  return strata;
}

function nameOf(index: number, labelNames: readonly string[] | undefined): string {
  const name = labelNames?.[index];
  return name === undefined ? String(index) : `"${name}"`;
}

/**
 * How many examples of each stratum go to a held-out part: the exact share
 * rounded by largest remainder so the total matches `fraction` overall, with at
 * least one per stratum of `minSize` or more, and always one left for training.
 */
function allocate(
  sizes: readonly number[],
  fraction: number,
  taken: readonly number[],
  minSize: number,
): number[] {
  if (fraction === 0) return sizes.map(() => 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  const capacity = sizes.map((n, i) => Math.max(0, n - 1 - (taken[i] ?? 0)));
  const counts = sizes.map((n, i) => {
    const base = Math.min(capacity[i] ?? 0, Math.floor(n * fraction));
    return n >= minSize && base === 0 && (capacity[i] ?? 0) > 0 ? 1 : base;
  });
  let missing = Math.round(total * fraction) - counts.reduce((a, b) => a + b, 0);
  const order = sizes
    .map((n, i) => ({ i, remainder: n * fraction - Math.floor(n * fraction) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    if ((counts[i] ?? 0) < (capacity[i] ?? 0)) {
      counts[i] = (counts[i] ?? 0) + 1;
      missing--;
    }
  }
  return counts;
}
