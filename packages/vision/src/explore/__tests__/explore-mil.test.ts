import { createRng, loadEngine, tensorDataset } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { crossValidateMilHead } from "../cross-validate-mil.js";
import { exploreCuts } from "../explore-cuts.js";

const SIDE = 8;

/**
 * A source with two cuts: "early" passes the image through unchanged (a 1×1
 * identity convolution), "blind" (all-zero weights) passes nothing.
 */
function twoCutSource(): tf.LayersModel {
  const model = tf.sequential({ name: "two_cuts" });
  model.add(
    tf.layers.conv2d({
      name: "early",
      inputShape: [SIDE, SIDE, 3],
      filters: 3,
      kernelSize: 1,
      useBias: false,
      weights: [tf.eye(3).reshape([1, 1, 3, 3])],
    }),
  );
  model.add(
    tf.layers.conv2d({ name: "blind", filters: 3, kernelSize: 1, kernelInitializer: "zeros" }),
  );
  return model;
}

/**
 * Two marked places per image, at random. A finding (label 1) is a place
 * with channel 0 on and channel 1 off, beside a place with only channel 1
 * on; a normal image has both channels on at one place and neither at the
 * other. Every image has the same channel sums and maxima, so globally
 * pooled features cannot tell the classes apart; a score per location
 * (channel 0 minus channel 1) can.
 */
function pairedSpots(n: number, seed: number): { x: tf.Tensor4D; labels: number[] } {
  const rng = createRng(seed);
  const random = () => rng.next();
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  // Faint noise in channel 2 only: channels 0 and 1 hold nothing but the marks.
  const values = new Float32Array(n * SIDE * SIDE * 3).map((_, j) =>
    j % 3 === 2 ? 0.05 * random() : 0,
  );
  const mark = (i: number, at: number, c0: number, c1: number) => {
    values[(i * SIDE * SIDE + at) * 3] = c0;
    values[(i * SIDE * SIDE + at) * 3 + 1] = c1;
  };
  labels.forEach((label, i) => {
    const a = Math.floor(random() * SIDE * SIDE);
    const b = (a + 1 + Math.floor(random() * (SIDE * SIDE - 1))) % (SIDE * SIDE);
    if (label === 1) {
      mark(i, a, 1, 0);
      mark(i, b, 0, 1);
    } else {
      mark(i, a, 1, 1);
      mark(i, b, 0, 0);
    }
  });
  return { x: tf.tensor4d(values, [n, SIDE, SIDE, 3]), labels };
}

describe("exploreCuts with milHead", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should rank the MIL head at the informative cut above every pooled probe", async () => {
    const source = twoCutSource();
    const { x, labels } = pairedSpots(48, 3);
    const data = tensorDataset(x, labels);
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const result = await exploreCuts(source, data, {
      cuts: ["early", "blind"],
      folds: 4,
      milHead: { epochs: 40 },
      onCandidate: (r, done, total) => seen.push(`${r.cut}/${r.pooling} ${done}/${total}`),
    });
    expect(result.ranked).toHaveLength(8);
    expect(seen.at(-1)).toBe("blind/mil 8/8");
    const best = result.ranked[0];
    expect(`${best?.cut}/${best?.pooling}`).toBe("early/mil");
    expect(best?.auc.mean).toBeGreaterThan(0.9);
    const probes = result.ranked.filter((r) => r.pooling !== "mil");
    expect(Math.max(...probes.map((r) => r.auc.mean))).toBeLessThan(0.75);
    const blind = result.ranked.find((r) => r.cut === "blind" && r.pooling === "mil");
    expect(blind?.auc.mean).toBeCloseTo(0.5, 5);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose?.();
    source.dispose();
  });

  it("should give the same folds' scores again for the same seed", async () => {
    const { x, labels } = pairedSpots(24, 5);
    const before = tf.memory().numTensors;
    const a = await crossValidateMilHead(x, labels, { folds: 3, epochs: 5, seed: 2 });
    const b = await crossValidateMilHead(x, labels, { folds: 3, epochs: 5, seed: 2 });
    expect(b.perFold).toEqual(a.perFold);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
