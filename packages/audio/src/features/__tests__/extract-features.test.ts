import { describe, expect, it } from "vitest";

import { chirp, noise, tone } from "../../__tests__/fixtures.js";
import { clipFeatures, extractFeatures } from "../extract-features.js";
import { featureConfig, featureSpec } from "../feature-config.js";
import { fitFeatureStats, withFeatureStats } from "../feature-stats.js";

/** Band whose centre is nearest `hz`, from the mel formula alone: 40 centres equally spaced in mel over 20 Hz – 8 kHz. */
function nearestBand(hz: number): number {
  const mel = (f: number): number => 2595 * Math.log10(1 + f / 700);
  const step = (mel(8000) - mel(20)) / 41;
  const centres = Array.from({ length: 40 }, (_, i) => 700 * (10 ** ((mel(20) + (i + 1) * step) / 2595) - 1));
  return centres.reduce((best, c, i) => (Math.abs(c - hz) < Math.abs((centres[best] as number) - hz) ? i : best), 0);
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}

function frameRow(features: Float32Array, frame: number, depth: number): Float32Array {
  return features.subarray(frame * depth, (frame + 1) * depth);
}

describe("extractFeatures", () => {
  const config = featureConfig();

  it("should compute 97 frames of 40 log-mel bands for one second at 16 kHz", () => {
    expect(extractFeatures(tone(1000, 1), config).length).toBe(97 * 40);
    expect(featureSpec(config)).toEqual({
      kind: "audio",
      sampleRate: 16000,
      windowSize: 512,
      hopSize: 160,
      feature: "log-mel",
      bands: 40,
      frames: 97,
    });
  });

  it("should put a 1 kHz tone's peak in the mel band centred nearest 1 kHz", () => {
    // Expected band from the mel formula alone: centres equally spaced in mel between 20 Hz and 8 kHz.
    const expected = nearestBand(1000);
    expect(expected).toBe(13);
    const features = extractFeatures(tone(1000, 0.5), config);
    for (let f = 0; f < 40; f++) expect(argmax(frameRow(features, f, 40))).toBe(expected);
  });

  it("should move a chirp's peak band upwards over time", () => {
    const features = extractFeatures(chirp(200, 6000, 1), config);
    const peaks = Array.from({ length: 97 }, (_, f) => argmax(frameRow(features, f, 40)));
    for (let f = 1; f < peaks.length; f++) expect(peaks[f]).toBeGreaterThanOrEqual(peaks[f - 1] as number);
    // Each frame peaks at (or next to) the band of the chirp's frequency at the frame's centre.
    for (let f = 0; f < peaks.length; f++) {
      const t = (f * 160 + 256) / 16000;
      expect(Math.abs((peaks[f] as number) - nearestBand(200 + 5800 * t))).toBeLessThanOrEqual(1);
    }
    expect(peaks[0]).toBe(4);
    expect(peaks[96]).toBe(35);
  });

  it("should give identical features in two runs, even after another configuration ran", () => {
    const signal = noise(16000, 7);
    const first = extractFeatures(signal, config);
    extractFeatures(noise(8000, 3), featureConfig({ sampleRate: 8000, windowSize: 256, hopSize: 80 }));
    expect(extractFeatures(signal, config)).toEqual(first);
  });

  it("should map silence to ln(1e-6)", () => {
    const features = extractFeatures(new Float32Array(1600), config);
    for (const v of features) expect(v).toBeCloseTo(Math.log(1e-6), 4);
  });

  it("should compute 13 MFCCs per frame equal to the orthonormal DCT-II of the log-mel", () => {
    const signal = noise(16000, 11);
    const mfcc = extractFeatures(signal, featureConfig({ feature: "mfcc" }));
    expect(mfcc.length).toBe(97 * 13);
    expect(featureSpec(featureConfig({ feature: "mfcc" })).bands).toBe(13);
    const logMel = extractFeatures(signal, config);
    for (const f of [0, 50, 96]) {
      for (const c of [0, 1, 12]) {
        let acc = 0;
        for (let b = 0; b < 40; b++) acc += (logMel[f * 40 + b] as number) * Math.cos((Math.PI * c * (b + 0.5)) / 40);
        acc *= Math.sqrt((c === 0 ? 1 : 2) / 40);
        expect(mfcc[f * 13 + c]).toBeCloseTo(acc, 3);
      }
    }
  });

  it("should pad a short clip to clipSeconds", () => {
    expect(clipFeatures(tone(440, 0.3), config).length).toBe(97 * 40);
    expect(extractFeatures(new Float32Array(100), config).length).toBe(40);
  });

  it("should normalise with fitted statistics to zero mean and unit variance", () => {
    const train = [noise(16000, 1), tone(500, 1), chirp(300, 3000, 1)].map((s) => extractFeatures(s, config));
    const stats = fitFeatureStats(train, config);
    const normalised = withFeatureStats(config, stats);
    const all = [noise(16000, 1), tone(500, 1), chirp(300, 3000, 1)].map((s) => extractFeatures(s, normalised));
    for (const band of [0, 15, 39]) {
      const values = all.flatMap((a) => Array.from({ length: 97 }, (_, f) => a[f * 40 + band] as number));
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
      expect(mean).toBeCloseTo(0, 3);
      expect(variance).toBeCloseTo(1, 2);
    }
  });

  it("should compute features many times faster than real time", () => {
    const seconds = 60;
    const signal = noise(16000 * seconds, 5);
    const start = performance.now();
    const features = extractFeatures(signal, config);
    const elapsed = (performance.now() - start) / 1000;
    const speed = seconds / elapsed;
    console.log(`log-mel 40 bands, hop 160, ${seconds} s of 16 kHz audio: ${(elapsed * 1000).toFixed(0)} ms = ${speed.toFixed(0)}× real time`);
    expect(features.length).toBe(5997 * 40);
    expect(speed).toBeGreaterThan(10);
  });
});

describe("featureConfig", () => {
  it("should reject a window that is not a power of two", () => {
    expect(() => featureConfig({ windowSize: 400 })).toThrow(/windowSize must be a power of two/);
  });

  it("should reject normalisation statistics of the wrong size", () => {
    expect(() => featureConfig({ normalization: { mean: [0], std: [1] } })).toThrow(/needs 40 means and stds/);
  });
});
