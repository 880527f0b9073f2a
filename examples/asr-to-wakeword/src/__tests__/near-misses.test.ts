import { describe, expect, it } from "vitest";

import { nearMissAccepts, splitNearMisses } from "../near-misses.js";

// 100 windows of 1 s, 0.5 s apart: window i spans [0.5 i, 0.5 i + 1].
const stream = {
  scores: Array.from({ length: 100 }, (_, i) => (i === 21 || i === 60 ? 0.9 : 0.1)),
  windowSeconds: 1,
  hopSeconds: 0.5,
  hours: 50.5 / 3600,
};

describe("splitNearMisses", () => {
  it("should leave out the windows that hear a near miss, and score each near miss by its best window", () => {
    const placements = [
      { start: 10.2, end: 10.8, text: "hey graph" }, // windows 20–21 overlap it
      { start: 30, end: 31, text: "banana" }, // ordinary speech stays
    ];
    const { everyday, nearMisses } = splitNearMisses(stream, placements, 1);
    expect(nearMisses).toEqual([{ text: "hey graph", score: 0.9 }]);
    const zeroed = everyday.scores.flatMap((s, i) => (s === 0 ? [i] : []));
    expect(zeroed).toEqual([19, 20, 21]);
    expect(everyday.scores[60]).toBe(0.9);
    expect(everyday.hours * 3600).toBeCloseTo(50.5 - 1.5, 6);
    // The input is not changed.
    expect(stream.scores[21]).toBe(0.9);
  });

  it("should count near misses over a threshold, by phrase", () => {
    const misses = [
      { text: "graft", score: 0.8 },
      { text: "graft", score: 0.2 },
      { text: "hey graph", score: 0.6 },
    ];
    expect(nearMissAccepts(misses, 0.5)).toEqual({
      accepted: 2,
      total: 3,
      byText: { graft: { accepted: 1, total: 2 }, "hey graph": { accepted: 1, total: 1 } },
    });
  });
});
