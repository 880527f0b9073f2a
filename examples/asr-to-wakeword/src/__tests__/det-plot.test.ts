import { describe, expect, it } from "vitest";

import { detCurveSvg, staircase } from "../det-plot.js";

describe("DET curve plot", () => {
  it("should draw each route's best FRR at or under every false-accept rate", () => {
    const points = [
      { faPerHour: 30, frr: 0 },
      { faPerHour: 2, frr: 0.1 },
      { faPerHour: 3, frr: 0.2 }, // worse than a point with fewer false accepts: not on the envelope
      { faPerHour: 0, frr: 0.5 },
    ];
    expect(staircase(points)).toEqual([
      [0.1, 1],
      [0.1, 1],
      [0.1, 0.5],
      [2, 0.5],
      [2, 0.1],
      [30, 0.1],
      [30, 0],
      [100, 0],
    ]);
    expect(staircase([])).toEqual([
      [0.1, 1],
      [100, 1],
    ]);
  });

  it("should draw one labelled line per route, names escaped", () => {
    const svg = detCurveSvg(
      [
        { name: "embedding", points: [{ faPerHour: 1, frr: 0.05 }] },
        { name: "a<b", points: [{ faPerHour: 10, frr: 0.5 }] },
      ],
      "test",
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain(">embedding</text>");
    expect(svg).toContain("a&lt;b");
    expect(svg.startsWith("<svg")).toBe(true);
  });
});
