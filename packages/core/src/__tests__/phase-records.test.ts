import { describe, expect, it } from "vitest";

import type { EpochRecord } from "../train/fit.js";
import { phaseRecords } from "../train/phase-records.js";

describe("phaseRecords", () => {
  const record = (phase: string, epoch: number, freeze = "frozen"): EpochRecord => ({
    phase,
    epoch,
    freeze,
    cachedFeatures: true,
    metrics: { loss: 1 },
    seconds: 0,
  });

  it("should split same-named neighbours by their epoch numbers and leave out phases that never ran", () => {
    const records = [
      record("warm", 1),
      record("warm", 2), // stopped early: 2 of 3 planned
      record("warm", 1, "trainable"),
      record("last", 1, "trainable"),
    ];
    const got = phaseRecords(
      [
        { name: "warm", epochs: 3 },
        { name: "warm", epochs: 2, freeze: "trainable", learningRate: 0.5 },
        { name: "skipped", epochs: 0 },
        { name: "last", epochs: 4, backboneLrMult: 0.2 },
        { name: "aborted before its first epoch", epochs: 2 },
      ],
      records,
      0.1,
    );
    expect(got).toEqual([
      { name: "warm", freeze: "frozen", epochs: 2, learningRate: 0.1, backboneLrMult: 1 },
      { name: "warm", freeze: "trainable", epochs: 1, learningRate: 0.5, backboneLrMult: 1 },
      { name: "last", freeze: "trainable", epochs: 1, learningRate: 0.1, backboneLrMult: 0.2 },
    ]);
  });
});
