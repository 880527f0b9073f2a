import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { createRng } from "../../augment/rng.js";
import { clipFeatures, extractFeatures } from "../../features/extract-features.js";
import { featureConfig, featureSpec } from "../../features/feature-config.js";
import { peakSmoothed, predictWindows, slidingWindows } from "../score-windows.js";

describe("slidingWindows", () => {
  it("should give each 1 s window, sliced from a stream's features, the features of its own samples", () => {
    const config = featureConfig({
      sampleRate: 16000,
      windowSize: 512,
      hopSize: 320,
      bands: 40,
      clipSeconds: 1,
    });
    const { frames, bands } = featureSpec(config);
    const rng = createRng(5);
    const stream = Float32Array.from(
      { length: 3 * 16000 },
      (_, i) => 0.3 * Math.sin(i / (3 + (i % 97) / 50)) + 0.05 * (rng() - 0.5),
    );
    const windows = slidingWindows(extractFeatures(stream, config), bands, frames, 5);
    expect(windows.count).toBe(21);
    for (const w of [0, 7, 20]) {
      const start = 5 * 320 * w;
      const own = clipFeatures(stream.subarray(start, start + 16000), config);
      const sliced = windows.at(w);
      expect(sliced.length).toBe(own.length);
      for (let i = 0; i < own.length; i += 37) expect(sliced[i]).toBeCloseTo(own[i] as number, 4);
    }
  });

  it("should find no window in features shorter than one", () => {
    expect(slidingWindows(new Float32Array(10 * 4), 4, 16, 1).count).toBe(0);
    expect(slidingWindows(new Float32Array(20 * 4), 4, 16, 1).count).toBe(5);
  });
});

describe("predictWindows", () => {
  beforeAll(async () => {
    await loadEngine({ engine: "cpu" });
  });

  it("should score every window in batches without leaking tensors", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [3, 2] }),
        tf.layers.dense({ units: 1, kernelInitializer: "ones", useBias: false }),
      ],
    });
    const features = Float32Array.from({ length: 12 * 2 }, (_, i) => i);
    const windows = slidingWindows(features, 2, 3, 2);
    const before = tf.memory().numTensors;
    const scores = await predictWindows(model, windows.count, windows.at, {
      inputShape: [3, 2],
      batchSize: 2,
    });
    expect(tf.memory().numTensors).toBe(before);
    // Window i holds the values 4i … 4i + 5: their sum.
    expect(scores).toEqual([0, 1, 2, 3, 4].map((i) => 24 * i + 15));
    await expect(
      predictWindows(model, 1, () => new Float32Array(5), { inputShape: [3, 2] }),
    ).rejects.toThrow(/expected 6/);
    model.dispose();
  });
});

describe("peakSmoothed", () => {
  it("should give the best trailing average, averaging fewer scores at the start", () => {
    expect(peakSmoothed([0.2, 0.9, 0.8, 0.1], 2)).toBeCloseTo(0.85, 10);
    expect(peakSmoothed([0.9, 0.1, 0.1], 3)).toBeCloseTo(0.9, 10);
    expect(peakSmoothed([], 3)).toBe(0);
    expect(() => peakSmoothed([1], 0)).toThrow(/positive integer/);
  });
});
