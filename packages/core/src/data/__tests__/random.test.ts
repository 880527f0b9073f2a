import { describe, expect, it } from "vitest";

import { createRng } from "../random.js";

describe("createRng", () => {
  it("should repeat the same sequence for the same seed and differ for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    const seqC = Array.from({ length: 20 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it("should give uniform floats in [0, 1) with the right mean", () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 20_000 }, () => rng.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 2);
  });

  it("should hit every integer of int(n) and nothing outside", () => {
    const rng = createRng(7);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5_000; i++) {
      const k = rng.int(5);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts).toHaveLength(5);
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(() => rng.int(0)).toThrow(/positive integer/);
  });

  it("should shuffle in place into a permutation, deterministically", () => {
    const a = createRng(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = createRng(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("should draw normals with mean ≈ 0 and variance ≈ 1", () => {
    const rng = createRng(11);
    const xs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
