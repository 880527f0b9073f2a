import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { noise, tone } from "../../__tests__/fixtures.js";
import { createRng } from "../rng.js";
import { specAugment, specAugmentBatch } from "../spec-augment.js";
import { applyGain, augmentWaveform, mixNoise, timeShift } from "../waveform.js";

const power = (x: Float32Array): number => x.reduce((s, v) => s + v * v, 0) / x.length;

describe("mixNoise", () => {
  it("should mix noise at the requested SNR", () => {
    const signal = tone(440, 1);
    const background = noise(5000, 3);
    for (const snr of [0, 10, 20]) {
      const mixed = mixNoise(signal, background, snr, createRng(4));
      const added = mixed.map((v, i) => v - (signal[i] as number));
      expect(10 * Math.log10(power(signal) / power(added))).toBeCloseTo(snr, 3);
    }
  });

  it("should be reproducible with the same seed and differ with another", () => {
    const signal = tone(440, 0.2);
    const background = noise(20000, 9);
    expect(mixNoise(signal, background, 5, createRng(1))).toEqual(
      mixNoise(signal, background, 5, createRng(1)),
    );
    expect(mixNoise(signal, background, 5, createRng(1))).not.toEqual(
      mixNoise(signal, background, 5, createRng(2)),
    );
  });
});

describe("applyGain and timeShift", () => {
  it("should scale by decibels and clip", () => {
    const out = applyGain(Float32Array.of(0.1, -0.4, 0.9), 6.0206);
    expect(out[0]).toBeCloseTo(0.2, 4);
    expect(out[1]).toBeCloseTo(-0.8, 4);
    expect(out[2]).toBe(1);
  });

  it("should shift with silence and keep the length", () => {
    const x = Float32Array.of(1, 2, 3, 4);
    expect(Array.from(timeShift(x, 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(timeShift(x, -2))).toEqual([3, 4, 0, 0]);
    expect(Array.from(timeShift(x, 9))).toEqual([0, 0, 0, 0]);
  });

  it("should chain random augmentations reproducibly", () => {
    const x = tone(300, 0.5);
    const options = { noise: noise(3000, 2), gainDb: [-6, 6] as const, maxShift: 800 };
    const a = augmentWaveform(x, createRng(7), options);
    expect(a).toEqual(augmentWaveform(x, createRng(7), options));
    expect(a).not.toEqual(x);
  });
});

describe("specAugment", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should mask whole frame runs and band runs", () => {
    const frames = 20;
    const bands = 10;
    const features = Float32Array.from({ length: frames * bands }, (_, i) => i + 1);
    const out = specAugment(features, { frames, bands }, createRng(3), {
      timeMasks: 1,
      maxTimeWidth: 5,
      frequencyMasks: 1,
      maxFrequencyWidth: 3,
      fill: 0,
    });
    const maskedFrames = Array.from({ length: frames }, (_, f) => f).filter((f) =>
      out.subarray(f * bands, (f + 1) * bands).every((v) => v === 0),
    );
    const maskedBands = Array.from({ length: bands }, (_, b) => b).filter((b) =>
      Array.from({ length: frames }, (_, f) => out[f * bands + b]).every((v) => v === 0),
    );
    expect(maskedFrames.length).toBeLessThanOrEqual(5);
    expect(maskedBands.length).toBeLessThanOrEqual(3);
    // Masks are contiguous runs.
    if (maskedFrames.length > 1)
      expect(maskedFrames.at(-1)! - maskedFrames[0]!).toBe(maskedFrames.length - 1);
    // Every zero lies in a masked frame or band; everything else is untouched.
    out.forEach((v, i) => {
      const inMask =
        maskedFrames.includes(Math.floor(i / bands)) || maskedBands.includes(i % bands);
      expect(v).toBe(inMask ? 0 : features[i]);
    });
    expect(maskedFrames.length + maskedBands.length).toBeGreaterThan(0);
  });

  it("should mask a batch tensor without leaking tensors", () => {
    const batch = tf.ones([3, 20, 8, 1]);
    const before = tf.memory().numTensors;
    const out = specAugmentBatch(batch, createRng(5), {
      fill: 0,
      maxTimeWidth: 4,
      maxFrequencyWidth: 2,
    });
    expect(out.shape).toEqual([3, 20, 8, 1]);
    const sum = tf.tidy(() => out.sum().arraySync() as number);
    expect(sum).toBeLessThan(3 * 20 * 8);
    expect(sum).toBeGreaterThan(3 * 20 * 8 * 0.3);
    out.dispose();
    batch.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
