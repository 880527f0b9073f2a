import { describe, expect, it } from "vitest";

import { colouredNoise, noiseBeds } from "../noise.js";
import { reverberate, roomImpulse } from "../reverb.js";
import { createRng } from "../rng.js";

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
// Correlation of neighbouring samples: ≈ 0 for white noise, near 1 when low frequencies dominate.
const lagOne = (x: Float32Array): number => {
  let num = 0;
  let den = 0;
  for (let i = 1; i < x.length; i++) {
    num += (x[i] as number) * (x[i - 1] as number);
    den += (x[i] as number) ** 2;
  }
  return num / den;
};

describe("colouredNoise", () => {
  it("should scale every colour to an RMS of 0.1", () => {
    for (const colour of ["white", "pink", "brown"] as const)
      expect(rms(colouredNoise(colour, 16000, createRng(1)))).toBeCloseTo(0.1, 5);
  });

  it("should tilt the spectrum from white to pink to brown", () => {
    const [white, pink, brown] = (["white", "pink", "brown"] as const).map((c) =>
      lagOne(colouredNoise(c, 32000, createRng(2))),
    );
    expect(Math.abs(white as number)).toBeLessThan(0.05);
    expect(pink).toBeGreaterThan(0.3);
    expect(brown).toBeGreaterThan(pink as number);
  });

  it("should repeat for the same seed", () => {
    expect(colouredNoise("pink", 100, createRng(3))).toEqual(
      colouredNoise("pink", 100, createRng(3)),
    );
    expect(colouredNoise("pink", 100, createRng(3))).not.toEqual(
      colouredNoise("pink", 100, createRng(4)),
    );
  });
});

describe("noiseBeds", () => {
  it("should give one bed per colour of the requested length", () => {
    const beds = noiseBeds(0.5, 8000, createRng(1));
    expect(beds.map((b) => b.length)).toEqual([4000, 4000, 4000]);
    expect(lagOne(beds[2] as Float32Array)).toBeGreaterThan(lagOne(beds[0] as Float32Array));
  });
});

describe("reverberate", () => {
  it("should keep the direct path and add a tail that decays", () => {
    const rate = 16000;
    const click = new Float32Array(rate);
    click[0] = 1;
    const wet = reverberate(click, roomImpulse(0.4, rate, createRng(4)));
    expect(wet.length).toBe(rate);
    expect(wet[0]).toBe(1);
    const energy = (from: number, to: number): number =>
      wet.subarray(from, to).reduce((s, v) => s + v * v, 0);
    const early = energy(1, 0.1 * rate);
    const late = energy(0.2 * rate, 0.3 * rate);
    expect(early).toBeGreaterThan(0);
    expect(late).toBeLessThan(early / 10);
    expect(energy(0.45 * rate, rate)).toBe(0);
  });

  it("should set the tail's energy relative to the direct path with wet", () => {
    const rate = 16000;
    const click = new Float32Array(rate);
    click[0] = 1;
    const tail = (wet: number): number =>
      Math.sqrt(
        reverberate(click, roomImpulse(0.3, rate, createRng(5), { wet }))
          .subarray(1)
          .reduce((s, v) => s + v * v, 0),
      );
    expect(tail(0.4)).toBeCloseTo(0.4, 5);
    expect(tail(0.1)).toBeCloseTo(0.1, 5);
  });
});
