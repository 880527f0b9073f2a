import { clipFeatures, createRng, extractFeatures } from "@graft/audio";
import { describe, expect, it } from "vitest";

import { trimSilence } from "../clips.js";
import { CLIP_SIZE, FEATURES } from "../features.js";
import { STEP_FRAMES, windowCount } from "../score.js";

describe("stream features", () => {
  it("should give every 1 s window, sliced from the stream's features, the features of its own samples", () => {
    const rate = FEATURES.sampleRate;
    const random = createRng(5);
    const stream = Float32Array.from(
      { length: 3 * rate },
      (_, i) => 0.3 * Math.sin(i / (3 + (i % 97) / 50)) + 0.05 * (random() - 0.5),
    );
    const all = extractFeatures(stream, FEATURES);
    const frames = all.length / FEATURES.bands;
    expect(windowCount(frames)).toBe(21);
    for (const w of [0, 7, 20]) {
      const hop = (STEP_FRAMES * FEATURES.hopSize * w) as number;
      const own = clipFeatures(stream.subarray(hop, hop + rate), FEATURES);
      const sliced = all.subarray(
        w * STEP_FRAMES * FEATURES.bands,
        w * STEP_FRAMES * FEATURES.bands + CLIP_SIZE,
      );
      expect(sliced.length).toBe(own.length);
      for (let i = 0; i < own.length; i += 37) expect(sliced[i]).toBeCloseTo(own[i] as number, 4);
    }
  });
});

describe("trimSilence", () => {
  it("should cut the silence around a tone burst to within a 10 ms frame", () => {
    const rate = 16000;
    const samples = new Float32Array(rate);
    for (let i = 4000; i < 8000; i++) samples[i] = Math.sin(i / 5);
    const trimmed = trimSilence(samples, rate);
    expect(trimmed.length).toBeGreaterThanOrEqual(4000);
    expect(trimmed.length).toBeLessThanOrEqual(4000 + 320);
  });
});
