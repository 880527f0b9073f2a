import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { encodeWav16, tempDir, tone, writeFile } from "../../__tests__/fixtures.js";
import { resample } from "../../decode/resample.js";
import { audioPreprocessor, restoreAudioPreprocessor } from "../audio-preprocessor.js";
import { clipFeatures } from "../extract-features.js";

function expectCloseWhereLoud(actual: ArrayLike<number>, expected: Float32Array): void {
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    if ((expected[i] as number) < 0) continue;
    expect(actual[i]).toBeCloseTo(expected[i] as number, 1);
    compared++;
  }
  expect(compared).toBeGreaterThan(expected.length / 40);
}

describe("audioPreprocessor", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should turn paths and samples into a [n, frames, bands, 1] float32 tensor", async () => {
    const pre = audioPreprocessor();
    expect(pre.name).toBe("audio:features");
    const dir = tempDir();
    const path = writeFile(dir, "a.wav", encodeWav16(tone(1000, 1), 16000));
    const before = tf.memory().numTensors;
    const batch = await pre.process([path, tone(500, 0.5)]);
    expect(batch.shape).toEqual([2, 97, 40, 1]);
    expect(batch.dtype).toBe("float32");
    const values = await batch.data();
    batch.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // The path's features match those of the samples wherever 16-bit quantisation noise is negligible.
    const direct = clipFeatures(tone(1000, 1), pre.featureConfig);
    expectCloseWhereLoud(values.subarray(0, direct.length), direct);
  });

  it("should resample a 44.1 kHz file to the configured rate", async () => {
    const pre = audioPreprocessor({ clipSeconds: 0.5 });
    const path = writeFile(tempDir(), "b.wav", encodeWav16(tone(1000, 0.5, 44100), 44100));
    const fromFile = await pre.features(path);
    const expected = clipFeatures(resample(tone(1000, 0.5, 44100), 44100, 16000), pre.featureConfig);
    expect(fromFile.length).toBe(expected.length);
    expectCloseWhereLoud(fromFile, expected);
  });

  it("should restore an identical pipeline from its saved JSON config", async () => {
    const pre = audioPreprocessor({ feature: "mfcc", coefficients: 10, hopSize: 256, normalization: { mean: new Array(10).fill(1), std: new Array(10).fill(2) } });
    const saved = JSON.parse(JSON.stringify(pre.config));
    const restored = restoreAudioPreprocessor(saved);
    expect(restored.spec).toEqual(pre.spec);
    expect(restored.spec).toMatchObject({ feature: "mfcc", bands: 10, hopSize: 256, frames: 61 });
    const signal = tone(700, 1);
    expect(await restored.features(signal)).toEqual(await pre.features(signal));
  });

  it("should reject a config that is not an object", () => {
    expect(() => restoreAudioPreprocessor("log-mel")).toThrow(/expected the saved feature configuration object/);
  });
});
