import { existsSync } from "node:fs";

import { describe, expect, it } from "vitest";

import {
  INDEPENDENT_CHECK,
  listRecordings,
  RECORDED_SOURCES,
  recordedSeconds,
  splitRecordings,
} from "../corpus/recorded.js";
import type { RecordedFile } from "../corpus/recorded.js";

const installed = RECORDED_SOURCES.every((s) => existsSync(s.dir));

describe("recorded negatives", () => {
  it.skipIf(!installed)("should list every source's WAVs and never the English prompts", () => {
    const files = RECORDED_SOURCES.flatMap(listRecordings);
    expect(new Set(files.map((f) => f.source))).toEqual(new Set(["es", "fr", "it", "ru", "moh"]));
    expect(files.some((f) => f.path.startsWith(INDEPENDENT_CHECK.dir))).toBe(false);
    const speechHours = recordedSeconds(files.filter((f) => f.kind === "speech")) / 3600;
    expect(speechHours).toBeGreaterThan(1.5);
  });

  it("should split by file into disjoint, stable shares that keep every source in every use", () => {
    const files: RecordedFile[] = ["es", "fr", "moh"].flatMap((source) =>
      Array.from({ length: 400 }, (_, i) => ({
        source,
        kind: "speech" as const,
        path: `/x/${source}/prompt-${i}.wav`,
        bytes: 16_044,
      })),
    );
    const split = splitRecordings(files, { train: 0.2, calibration: 0.1 }, 1);
    const paths = [split.train, split.calibration, split.test].map(
      (part) => new Set(part.map((f) => f.path)),
    );
    expect(paths.reduce((n, p) => n + p.size, 0)).toBe(files.length);
    expect([...paths[0]!].some((p) => paths[1]!.has(p) || paths[2]!.has(p))).toBe(false);
    for (const source of ["es", "fr", "moh"]) {
      const share = split.train.filter((f) => f.source === source).length / 400;
      expect(share).toBeGreaterThan(0.13);
      expect(share).toBeLessThan(0.27);
      expect(split.calibration.some((f) => f.source === source)).toBe(true);
    }
    // A new file does not move the others.
    const again = splitRecordings(
      [...files, { source: "es", kind: "speech", path: "/x/es/new.wav", bytes: 44 }],
      { train: 0.2, calibration: 0.1 },
      1,
    );
    expect(again.train.filter((f) => f.path !== "/x/es/new.wav").map((f) => f.path)).toEqual(
      split.train.map((f) => f.path),
    );
    expect(recordedSeconds(split.train)).toBeCloseTo(split.train.length, 6);
    expect(() => splitRecordings(files, { train: 0.7, calibration: 0.3 }, 1)).toThrow(
      /leave some for the test/,
    );
  });
});
