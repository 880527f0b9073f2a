import { ConfigError, loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { imageDataset } from "../../data/image-dataset.js";
import { imagePreprocessor } from "../../image/image-preprocessor.js";
import { encode, makeImage, tempDir, writeFixture } from "../../__tests__/fixtures/synthetic-images.js";
import { imageAugmenter } from "../image-augmenter.js";

/** A batch of n distinct, asymmetric 16×16 RGB images in [0, 1]. */
function batch(n: number): tf.Tensor4D {
  return tf.tidy(() => {
    const values = Array.from({ length: n * 16 * 16 * 3 }, (_, i) => ((i * 37) % 101) / 100);
    return tf.tensor4d(values, [n, 16, 16, 3]);
  });
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0] ?? NaN;
  d.dispose();
  return v;
}

describe("imageAugmenter", () => {
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await loadEngine();
    x = batch(4);
  });
  afterAll(() => x.dispose());

  it("should flip every image when the probability is 1", async () => {
    const before = tf.memory().numTensors;
    const y = imageAugmenter({ flip: 1 })(x);
    const mirrored = tf.reverse(x, 2);
    expect(await maxAbsDiff(y, mirrored)).toBe(0);
    tf.dispose([y, mirrored]);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const [name, options] of [
    ["rotate", { rotate: 15 }],
    ["crop", { crop: 0.3 }],
    ["brightness", { brightness: 0.2 }],
    ["contrast", { contrast: 0.5 }],
  ] as const) {
    it(`should change the batch with ${name}, keep its shape and range, and not leak`, async () => {
      const before = tf.memory().numTensors;
      const y = imageAugmenter(options)(x);
      expect(y.shape).toEqual(x.shape);
      expect(await maxAbsDiff(y, x)).toBeGreaterThan(0.01);
      const [lo, hi] = [tf.min(y), tf.max(y)];
      expect((await lo.data())[0]).toBeGreaterThanOrEqual(0);
      expect((await hi.data())[0]).toBeLessThanOrEqual(1);
      tf.dispose([y, lo, hi]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("should repeat the same draws for the same seed and differ between batches", async () => {
    const options = { flip: true, rotate: 10, crop: 0.2, brightness: 0.1, contrast: 0.2, seed: 7 };
    const a = imageAugmenter(options);
    const b = imageAugmenter(options);
    const [a1, b1, a2] = [a(x), b(x), a(x)];
    expect(await maxAbsDiff(a1, b1)).toBe(0);
    expect(await maxAbsDiff(a1, a2)).toBeGreaterThan(0.01);
    tf.dispose([a1, b1, a2]);
  });

  it("should reject out-of-range options", () => {
    expect(() => imageAugmenter({ crop: 1 })).toThrow(ConfigError);
    expect(() => imageAugmenter({ flip: 2 })).toThrow(/flip must be a boolean or a probability/);
  });

  it("should augment training batches while the prediction path stays unaugmented", async () => {
    const tmp = await tempDir();
    const file = await writeFixture(
      tmp.dir,
      "a.png",
      await encode(
        makeImage(24, 24, (px, py) => [px * 10, py * 10, 99, 255]),
        "image/png",
      ),
    );
    const pre = imagePreprocessor({ height: 16, width: 16 });
    const train = imageDataset({
      inputs: [file],
      labels: [0],
      preprocessor: pre,
      augment: imageAugmenter({ flip: 1, brightness: 0.2, seed: 1 }),
    });
    const before = tf.memory().numTensors;
    const [t1, p1, p2] = [
      await train.batch([0]),
      await pre.process([file]),
      await pre.process([file]),
    ];
    expect(await maxAbsDiff(t1, p1)).toBeGreaterThan(0.01);
    expect(await maxAbsDiff(p1, p2)).toBe(0);
    tf.dispose([t1, p1, p2]);
    expect(tf.memory().numTensors).toBe(before);
    await tmp.cleanup();
  });
});
