import { describe, expect, it } from "vitest";

import { Fft } from "../fft.js";
import { RealPowerSpectrum } from "../real-power-spectrum.js";

describe("RealPowerSpectrum", () => {
  it.each([4, 8, 512])("should equal the power of a full complex FFT of size %i", (size) => {
    let state = size;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const x = Float64Array.from({ length: size }, random);
    const re = Float64Array.from(x);
    const im = new Float64Array(size);
    new Fft(size).transform(re, im);
    const out = new Float64Array(size / 2 + 1);
    new RealPowerSpectrum(size).transform(x, out);
    let scale = 0;
    let worst = 0;
    for (let k = 0; k <= size / 2; k++) {
      const full = re[k]! * re[k]! + im[k]! * im[k]!;
      scale = Math.max(scale, full);
      worst = Math.max(worst, Math.abs(out[k]! - full));
    }
    expect(scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(1e-12);
  });

  it("should refuse a size that is not a power of two", () => {
    expect(() => new RealPowerSpectrum(48)).toThrow(/power of two ≥ 4, got 48/);
  });
});
