import { describe, expect, it } from "vitest";

import { tone } from "../../__tests__/fixtures.js";
import { fitLength } from "../fit-length.js";
import { resample } from "../resample.js";

/** Frequency from zero crossings and RMS, over the middle half (away from edge effects). */
function measure(samples: Float32Array, rate: number): { frequency: number; rms: number } {
  const from = Math.floor(samples.length / 4);
  const to = Math.floor((3 * samples.length) / 4);
  let crossings = 0;
  let first = -1;
  let last = -1;
  let energy = 0;
  for (let i = from; i < to; i++) {
    energy += (samples[i] as number) ** 2;
    if ((samples[i - 1] as number) < 0 && (samples[i] as number) >= 0) {
      if (first < 0) first = i;
      last = i;
      crossings++;
    }
  }
  return { frequency: ((crossings - 1) * rate) / (last - first), rms: Math.sqrt(energy / (to - from)) };
}

describe("resample", () => {
  it("should keep a 1 kHz tone at 1 kHz when going from 44.1 kHz to 16 kHz", () => {
    const out = resample(tone(1000, 1, 44100), 44100, 16000);
    expect(out.length).toBe(16000);
    const { frequency, rms } = measure(out, 16000);
    expect(frequency).toBeCloseTo(1000, 0);
    expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it("should keep a 440 Hz tone when upsampling 8 kHz to 16 kHz and downsampling 48 kHz to 16 kHz", () => {
    for (const rate of [8000, 48000, 22050]) {
      const out = resample(tone(440, 0.5, rate), rate, 16000);
      expect(out.length).toBe(8000);
      const { frequency, rms } = measure(out, 16000);
      expect(frequency).toBeCloseTo(440, 0);
      expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
    }
  });

  it("should remove a tone above the new Nyquist frequency instead of aliasing it", () => {
    // 10 kHz would fold to 6 kHz at 16 kHz without the low-pass.
    const out = resample(tone(10000, 0.5, 44100), 44100, 16000);
    const { rms } = measure(out, 16000);
    expect(rms).toBeLessThan((0.5 / Math.SQRT2) * 1e-3);
    // A tone just inside the pass band survives.
    expect(measure(resample(tone(6000, 0.5, 44100), 44100, 16000), 16000).rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it("should keep a constant constant and return a copy at equal rates", () => {
    const flat = new Float32Array(4410).fill(0.25);
    const out = resample(flat, 44100, 16000);
    for (let i = 200; i < out.length - 200; i++) expect(out[i]).toBeCloseTo(0.25, 4);
    const same = resample(flat, 16000, 16000);
    expect(same).not.toBe(flat);
    expect(same).toEqual(flat);
  });

  it("should reject a non-integer rate", () => {
    expect(() => resample(new Float32Array(4), 0, 16000)).toThrow(/fromRate must be a positive integer/);
  });
});

describe("fitLength", () => {
  const x = Float32Array.from([1, 2, 3, 4, 5]);

  it("should pad or cut at the end in pad mode", () => {
    expect(Array.from(fitLength(x, 7))).toEqual([1, 2, 3, 4, 5, 0, 0]);
    expect(Array.from(fitLength(x, 3, { mode: "pad" }))).toEqual([1, 2, 3]);
  });

  it("should keep the end in trim mode", () => {
    expect(Array.from(fitLength(x, 7, { mode: "trim" }))).toEqual([0, 0, 1, 2, 3, 4, 5]);
    expect(Array.from(fitLength(x, 3, { mode: "trim" }))).toEqual([3, 4, 5]);
  });

  it("should keep the middle in center mode", () => {
    expect(Array.from(fitLength(x, 9, { mode: "center" }))).toEqual([0, 0, 1, 2, 3, 4, 5, 0, 0]);
    expect(Array.from(fitLength(x, 3, { mode: "center" }))).toEqual([2, 3, 4]);
    expect(Array.from(fitLength(x, 5, { mode: "center" }))).toEqual([1, 2, 3, 4, 5]);
  });

  it("should reject an unknown mode", () => {
    expect(() => fitLength(x, 3, { mode: "stretch" as never })).toThrow(/mode must be "pad", "trim" or "center"/);
  });
});
