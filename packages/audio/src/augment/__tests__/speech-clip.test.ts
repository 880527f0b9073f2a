import { describe, expect, it } from "vitest";

import { tone } from "../../__tests__/fixtures.js";
import { noiseBeds } from "../noise.js";
import { createRng } from "../rng.js";
import { inRoom, noiseClip, speechClip, trimSilence, withPeak } from "../speech-clip.js";

const peakOf = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe("trimSilence", () => {
  it("should cut the silence around a tone burst to within a 10 ms frame", () => {
    const rate = 16000;
    const samples = new Float32Array(rate);
    for (let i = 4000; i < 8000; i++) samples[i] = Math.sin(i / 5);
    const trimmed = trimSilence(samples, rate);
    expect(trimmed.length).toBeGreaterThanOrEqual(4000);
    expect(trimmed.length).toBeLessThanOrEqual(4000 + 320);
  });

  it("should give an empty array for silence", () => {
    expect(trimSilence(new Float32Array(1600), 16000).length).toBe(0);
  });
});

describe("withPeak", () => {
  it("should scale the loudest sample to the peak and leave the input alone", () => {
    const x = tone(200, 0.1, 16000, 0.25);
    expect(peakOf(withPeak(x, 0.8))).toBeCloseTo(0.8, 5);
    expect(peakOf(x)).toBeCloseTo(0.25, 3);
  });
});

describe("inRoom", () => {
  it("should lengthen the speech by half the RT60 and keep a tail after it", () => {
    const speech = tone(300, 0.2);
    const wet = inRoom(speech, 0.4, 16000, createRng(2));
    expect(wet.length).toBe(speech.length + 3200);
    expect(peakOf(wet.subarray(speech.length + 100))).toBeGreaterThan(0);
  });
});

describe("speechClip", () => {
  const rate = 16000;
  const speech = tone(300, 0.4);

  it("should place clean speech whole inside the clip at a random level", () => {
    const clip = speechClip(speech, rate, rate, [], createRng(3), {
      reverbProbability: 0,
      noiseProbability: 0,
      peak: [0.5, 0.5],
    });
    expect(clip.length).toBe(rate);
    expect(peakOf(clip)).toBeCloseTo(0.5, 3);
    const voiced = clip.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    expect(voiced).toBeGreaterThan(0.95 * speech.length);
    expect(voiced).toBeLessThanOrEqual(speech.length);
  });

  it("should add noise everywhere when asked to and repeat for the same seed", () => {
    const beds = noiseBeds(2, rate, createRng(1));
    const clip = speechClip(speech, rate, rate, beds, createRng(4), {
      noiseProbability: 1,
      snrDb: [10, 10],
    });
    expect(clip.every((v) => v !== 0)).toBe(true);
    expect(speechClip(speech, rate, rate, beds, createRng(4), { noiseProbability: 1 })).toEqual(
      speechClip(speech, rate, rate, beds, createRng(4), { noiseProbability: 1 }),
    );
  });

  it("should keep the middle of speech longer than the clip", () => {
    const long = tone(300, 2);
    const clip = speechClip(long, rate, rate, [], createRng(5), {
      reverbProbability: 0,
      noiseProbability: 0,
    });
    expect(clip.length).toBe(rate);
    expect(clip.every((v, i) => i % 40 !== 20 || v !== 0)).toBe(true);
  });
});

describe("noiseClip", () => {
  it("should mix the beds into a clip of the requested length", () => {
    const beds = noiseBeds(1, 8000, createRng(6));
    const clip = noiseClip(4000, beds, createRng(7));
    expect(clip.length).toBe(4000);
    expect(peakOf(clip)).toBeGreaterThan(0);
  });
});
