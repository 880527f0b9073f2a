import { createTransferModel, denseHead, loadEngine, tensorDataset } from "@graft/core";
import type { Backbone } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { layerBackbone } from "./layer-backbone.js";
import { mirrorViews } from "../mirror-views.js";

/** A "backbone" that keeps where things are: [n, 4, 4, 1] flattened to [n, 16]. */
function flattenBackbone(): Backbone {
  return layerBackbone("flatten", [4, 4, 1], tf.layers.flatten({}), [16]);
}

describe("mirrorViews", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should average each image's probability with its mirror image's, without leaking", async () => {
    const task = { kind: "binary", labels: ["left", "right"] } as const;
    const model = createTransferModel({
      backbone: flattenBackbone(),
      task,
      head: denseHead(),
      seed: 4,
    });
    // Bright columns on one side only, so an image and its mirror score differently.
    const images = tf.tidy(() =>
      tf
        .tensor4d([1, 0.5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0.3, 1], [1, 4, 4, 1])
        .tile([3, 1, 1, 1])
        .mul(tf.tensor4d([1, 2, 3], [3, 1, 1, 1])),
    );
    const data = tensorDataset(images, [0, 1, 0]);
    const before = tf.memory().numTensors;
    const plain = (await model.predictDataset(data)).map((row) => row[0] ?? NaN);
    const mirrored = tf.tidy(() => tf.image.flipLeftRight(images as tf.Tensor4D));
    const flipped = (await model.predictDataset(tensorDataset(mirrored, [0, 1, 0]))).map(
      (row) => row[0] ?? NaN,
    );
    mirrored.dispose();
    const averaged = (await model.predictDataset(data, 2, mirrorViews())).map(
      (row) => row[0] ?? NaN,
    );
    expect(Math.abs((plain[2] ?? 0) - (flipped[2] ?? 0))).toBeGreaterThan(1e-3);
    averaged.forEach((p, i) =>
      expect(p).toBeCloseTo(((plain[i] ?? NaN) + (flipped[i] ?? NaN)) / 2, 5),
    );
    const report = await model.evaluate(data, { views: mirrorViews() });
    const correct = averaged.filter((p, i) => (p >= 0.5 ? 1 : 0) === [0, 1, 0][i]).length;
    expect(report.accuracy).toBeCloseTo(correct / 3, 6);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
    model.dispose();
  });
});
