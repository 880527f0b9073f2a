import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { imagePreprocessor } from "../../image/image-preprocessor.js";
import { makeImage, encode, tempDir, writeFixture } from "../../__tests__/fixtures/synthetic-images.js";
import { imageDataset } from "../image-dataset.js";

describe("imageDataset", () => {
  let files: string[];
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    await loadEngine();
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    files = [];
    for (let i = 0; i < 6; i++) {
      const png = await encode(
        makeImage(64, 64, (x, y) => [(x * 4 + i * 20) % 256, (y * 4) % 256, i * 40, 255]),
        "image/png",
      );
      files.push(await writeFixture(tmp.dir, `${i}.png`, png));
    }
  });
  afterAll(() => cleanup());

  it("should return the preprocessor's tensor for the requested indices", async () => {
    const pre = imagePreprocessor({ height: 16, width: 16 });
    const ds = imageDataset({ inputs: files, labels: [0, 1, 0, 1, 0, 1], preprocessor: pre });
    const before = tf.memory().numTensors;
    const x = await ds.batch([4, 1]);
    const expected = await pre.process([files[4] ?? "", files[1] ?? ""]);
    expect(x.shape).toEqual([2, 16, 16, 3]);
    expect(Array.from(await x.data())).toEqual(Array.from(await expected.data()));
    tf.dispose([x, expected]);
    expect(tf.memory().numTensors).toBe(before);
    expect(ds.size).toBe(6);
  });

  it("should decode each file once when caching, and again when not", async () => {
    let decodes = 0;
    const base = imagePreprocessor({ height: 8, width: 8 });
    const counting = {
      ...base,
      decode: (...args: Parameters<typeof base.decode>) => (decodes++, base.decode(...args)),
    };
    const cached = imageDataset({ inputs: files, labels: [0, 0, 0, 1, 1, 1], preprocessor: counting });
    await cached.warm();
    for (let epoch = 0; epoch < 3; epoch++) tf.dispose(await cached.batch([0, 1, 2, 3, 4, 5]));
    expect(decodes).toBe(6);
    decodes = 0;
    const uncached = imageDataset({
      inputs: files,
      labels: [0, 0, 0, 1, 1, 1],
      preprocessor: counting,
      cacheDecoded: false,
    });
    uncached.prefetch([0, 1]);
    tf.dispose(await uncached.batch([0, 1]));
    tf.dispose(await uncached.batch([0, 1]));
    expect(decodes).toBe(4);
  });

  it("should apply augmentation to its batches only when given one", async () => {
    const pre = imagePreprocessor({ height: 8, width: 8 });
    const plain = imageDataset({ inputs: files, labels: [0, 0, 0, 1, 1, 1], preprocessor: pre });
    const augmented = imageDataset({
      inputs: files,
      labels: [0, 0, 0, 1, 1, 1],
      preprocessor: pre,
      augment: (x) => tf.tidy(() => tf.sub(1, x)),
    });
    const before = tf.memory().numTensors;
    const a = await plain.batch([2]);
    const b = await augmented.batch([2]);
    const sum = tf.add(a, b);
    expect(Array.from(await sum.data()).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    tf.dispose([a, b, sum]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should reject mismatched files and labels", () => {
    const preprocessor = imagePreprocessor({ height: 8, width: 8 });
    expect(() => imageDataset({ inputs: files, labels: [0], preprocessor })).toThrow(
      /6 inputs but 1 labels/,
    );
  });

  it("should measure decode + resize throughput of 256×256 PNGs to 96×96", async () => {
    const tmp = await tempDir();
    const big: string[] = [];
    for (let i = 0; i < 4; i++) {
      // Noisy content so PNG compression and jimp's decoder do realistic work.
      const png = await encode(
        makeImage(256, 256, (x, y) => [
          (x * 7 + y * 13 + i) % 256,
          (x * y + i * 31) % 256,
          (x ^ y) % 256,
          255,
        ]),
        "image/png",
      );
      big.push(await writeFixture(tmp.dir, `${i}.png`, png));
    }
    const paths = Array.from({ length: 40 }, (_, i) => big[i % big.length] ?? "");
    const ds = imageDataset({
      inputs: paths,
      labels: paths.map(() => 0),
      preprocessor: imagePreprocessor({ height: 96, width: 96 }),
      cacheDecoded: false,
    });
    const all = paths.map((_, i) => i);
    const t0 = performance.now();
    tf.dispose(await ds.batch(all));
    const perSecond = paths.length / ((performance.now() - t0) / 1000);
    console.log(`decode+resize 256×256 PNG → 96×96: ${perSecond.toFixed(0)} images/s`);
    expect(perSecond).toBeGreaterThan(0);
    await tmp.cleanup();
  });
});
