import { ConfigError, loadEngine, tensorDataset } from "@graft/core";
import type { Backbone } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { layerBackbone } from "./layer-backbone.js";
import { augmentedFeatures } from "../augmented-features.js";

/** A tiny "backbone": the mean of each image's channels, [n, 8, 8, 3] → [n, 3]. */
function meanBackbone(): Backbone {
  return layerBackbone("mean", [8, 8, 3], tf.layers.globalAveragePooling2d({}), [3]);
}

describe("augmentedFeatures", () => {
  let backbone: Backbone;
  beforeAll(async () => {
    await loadEngine();
    backbone = meanBackbone();
  });
  afterAll(() => backbone.model.dispose());

  it("should stack the originals' features, then each augmented copy's, with labels repeated", async () => {
    const images = tf.tidy(() => tf.linspace(0, 1, 5 * 8 * 8 * 3).reshape([5, 8, 8, 3]));
    const data = tensorDataset(images, [0, 1, 0, 1, 1]);
    const before = tf.memory().numTensors;
    let calls = 0;
    // Adds 10 × the copy's number, so each copy's features are told apart.
    const augment = (x: tf.Tensor4D): tf.Tensor4D => tf.add(x, 10 * (Math.floor(calls++ / 3) + 1));
    const features = await augmentedFeatures(backbone, data, { copies: 2, augment, batchSize: 2 });
    expect(features.size).toBe(15);
    expect(features.x.shape).toEqual([15, 3]);
    expect(features.labels).toEqual([0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1]);
    expect(calls).toBe(6); // 3 batches of ≤ 2 images per copy, none for the originals
    const original = backbone.model.predict(images) as tf.Tensor;
    const rows = (await features.x.array()) as number[][];
    const expected = (await original.array()) as number[][];
    for (let i = 0; i < 5; i++) {
      for (let c = 0; c < 3; c++) {
        expect(rows[i]?.[c]).toBeCloseTo(expected[i]?.[c] ?? NaN, 5);
        expect(rows[i + 5]?.[c]).toBeCloseTo((expected[i]?.[c] ?? NaN) + 10, 4);
        expect(rows[i + 10]?.[c]).toBeCloseTo((expected[i]?.[c] ?? NaN) + 20, 4);
      }
    }
    original.dispose();
    features.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it("should give the originals alone with 0 copies, and refuse a negative count", async () => {
    const data = tensorDataset(tf.ones([3, 8, 8, 3]), [0, 1, 1]);
    const before = tf.memory().numTensors;
    const augment = (x: tf.Tensor4D): tf.Tensor4D => x.clone();
    const features = await augmentedFeatures(backbone, data, { copies: 0, augment });
    expect(features.x.shape).toEqual([3, 3]);
    features.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(augmentedFeatures(backbone, data, { copies: -1, augment })).rejects.toThrow(
      ConfigError,
    );
    data.dispose();
  });
});
