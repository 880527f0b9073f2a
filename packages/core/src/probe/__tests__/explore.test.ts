import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { createRng } from "../../data/random.js";
import { crossValidateProbe, crossValidateWith, stratifiedFolds } from "../cross-validate.js";
import { exploreFeatures } from "../explore.js";
import { holdoutProbe } from "../holdout-probe.js";

/**
 * Images 8×8×2: a label-1 image has one bright spot at a random place in
 * channel 0; channel 1 is noise in both classes. A tiny conv net reads the
 * channels through two 1×1 convs, `signal` (channel 0) and `noise`
 * (channel 1): the first layer's features carry the label, the second's do not.
 */
function syntheticTask(n: number, seed: number): { x: tf.Tensor4D; labels: number[] } {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const values = new Float32Array(n * 8 * 8 * 2);
  labels.forEach((label, i) => {
    for (let p = 0; p < 64; p++) {
      values[i * 128 + p * 2] = 0.3 * rng.next();
      values[i * 128 + p * 2 + 1] = rng.next();
    }
    if (label === 1) values[i * 128 + rng.int(64) * 2] = 2;
  });
  return { x: tf.tensor4d(values, [n, 8, 8, 2]), labels };
}

function twoCutNet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 2] });
  const pick = (name: string, channel: number) =>
    tf.layers
      .conv2d({
        name,
        filters: 4,
        kernelSize: 1,
        useBias: false,
        // kernel [1, 1, in, out]: the picked input channel feeds all 4 filters
        weights: [
          tf.tensor4d(
            [0, 1].flatMap((c) => [1, 2, 3, 4].map((w) => (c === channel ? w : 0))),
            [1, 1, 2, 4],
          ),
        ],
      })
      .apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [pick("signal", 0), pick("noise", 1)] });
}

describe("exploreFeatures", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
  });

  it("should rank the cut whose features carry the label above the one whose features do not", () => {
    const { x, labels } = syntheticTask(60, 3);
    const net = twoCutNet();
    const [signal, noise] = net.predict(x) as tf.Tensor4D[];
    const pooled = (t: tf.Tensor4D, how: "avg" | "max") =>
      tf.tidy(() => (how === "max" ? t.max([1, 2]) : t.mean([1, 2])) as tf.Tensor2D);
    const candidates = [
      { cut: "noise", pooling: "max", features: pooled(noise as tf.Tensor4D, "max") },
      { cut: "signal", pooling: "avg", features: pooled(signal as tf.Tensor4D, "avg") },
      { cut: "signal", pooling: "max", features: pooled(signal as tf.Tensor4D, "max") },
    ];
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const ranked = exploreFeatures(candidates, labels, {
      folds: 5,
      onCandidate: (r, done, total) => seen.push(`${r.cut}/${r.pooling} ${done}/${total}`),
    });
    expect(tf.memory().numTensors).toBe(before);
    const at = (cut: string, pooling: string) =>
      ranked.findIndex((r) => r.cut === cut && r.pooling === pooling);
    expect(ranked[0]).toMatchObject({ cut: "signal", pooling: "max", size: 4, folds: 5 });
    expect(ranked[0]?.auc.mean).toBeGreaterThan(0.9);
    expect(at("signal", "max")).toBeLessThan(at("noise", "max"));
    // a spot of a few pixels: max pooling keeps it, averaging dilutes it
    expect(at("signal", "max")).toBeLessThan(at("signal", "avg"));
    expect(ranked.find((r) => r.cut === "noise")?.auc.mean).toBeLessThan(0.75);
    expect(seen).toHaveLength(3);
    // spread over folds is reported, per fold and as a standard deviation
    for (const r of ranked) {
      expect(r.perFold).toHaveLength(5);
      expect(r.auc.std).toBeGreaterThanOrEqual(0);
      expect(r.accuracy.std).toBeGreaterThanOrEqual(0);
    }
    expect(ranked.some((r) => r.auc.std > 0)).toBe(true);
    for (const t of [x, signal, noise, ...candidates.map((c) => c.features)]) t?.dispose();
    net.dispose();
  });
});

describe("stratifiedFolds", () => {
  it("should deal every class evenly over the folds and use every example once", () => {
    const labels = [...Array.from({ length: 10 }, () => 0), ...Array.from({ length: 15 }, () => 1)];
    const folds = stratifiedFolds(labels, 5, 1);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    for (const f of folds) {
      expect(f.filter((i) => labels[i] === 0)).toHaveLength(2);
      expect(f.filter((i) => labels[i] === 1)).toHaveLength(3);
    }
  });

  it("should refuse more folds than the rarest class has examples, naming the limit", () => {
    expect(() => stratifiedFolds([0, 0, 1, 1, 1], 3)).toThrow(/2 ≤ folds ≤ 2.*got 3/);
  });
});

describe("crossValidateWith", () => {
  it("should hold out the probe's folds once each and score what the model predicts", async () => {
    const labels = [0, 1, 0, 1, 0, 1, 0, 1, 2, 2, 2, 2];
    const seen: number[][] = [];
    // An oracle that puts all probability on the true class, except for example 0 (wrong: class 1).
    const oracle = await crossValidateWith(
      labels,
      { folds: 4, seed: 3 },
      async (train, test, k) => {
        expect(train.filter((i) => test.includes(i))).toEqual([]);
        seen.push(test);
        return test.flatMap((i) =>
          Array.from({ length: k }, (_, c) => (c === (i === 0 ? 1 : labels[i]) ? 1 : 0)),
        );
      },
    );
    expect(seen).toEqual(stratifiedFolds(labels, 4, 3));
    expect(oracle.folds).toBe(4);
    expect(oracle.perFold).toHaveLength(4);
    expect(oracle.accuracy.mean).toBeCloseTo(1 - 1 / 12, 5);
    expect(oracle.perFold.filter((f) => f.accuracy < 1)).toHaveLength(1);
  });
});

describe("crossValidateProbe and holdoutProbe", () => {
  it("should learn a linearly separable task and score chance on shuffled labels", () => {
    const rng = createRng(5);
    const n = 40;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const rows = labels.map((l) => [l * 2 - 1 + 0.3 * rng.normal(), rng.normal()]);
    const features = tf.tensor2d(rows);
    const start = tf.memory().numTensors;
    const cv = crossValidateProbe(features, labels, { folds: 4 });
    expect(cv.accuracy.mean).toBeGreaterThan(0.9);
    expect(cv.auc.mean).toBeGreaterThan(0.95);
    const train = labels.map((_, i) => i).filter((i) => i % 4 !== 0);
    const test = labels.map((_, i) => i).filter((i) => i % 4 === 0);
    expect(holdoutProbe(features, labels, train, test).accuracy).toBeGreaterThan(0.85);
    const shuffled = rng.shuffle([...labels]);
    const noise = features.slice([0, 1], [n, 1]);
    expect(crossValidateProbe(noise, shuffled, { folds: 4 }).auc.mean).toBeLessThan(0.8);
    noise.dispose();
    expect(tf.memory().numTensors).toBe(start);
    features.dispose();
  });
});
