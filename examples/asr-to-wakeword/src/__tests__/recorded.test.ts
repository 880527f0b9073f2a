import { existsSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { joinRecordings } from "../corpus/recorded-audio.js";
import {
  INDEPENDENT_CHECK,
  listRecordings,
  MUSIC_PIECE_SECONDS,
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

  it.skipIf(!installed)(
    "should cut music into 30 s pieces so every use hears some of each track",
    () => {
      const music = RECORDED_SOURCES.filter((s) => s.kind === "music").flatMap(listRecordings);
      const tracks = new Set(music.map((f) => f.path));
      expect(music.length).toBeGreaterThan(3 * tracks.size);
      for (const f of music) expect(f.piece?.seconds).toBeLessThanOrEqual(MUSIC_PIECE_SECONDS);
      const whole = [...tracks].reduce((sum, path) => {
        const file = music.find((f) => f.path === path)!;
        return sum + (file.bytes - 44) / 16_000;
      }, 0);
      expect(recordedSeconds(music)).toBeCloseTo(whole, 3);
      const split = splitRecordings(music, { train: 0.3, calibration: 0.2 }, 1);
      for (const part of [split.train, split.calibration, split.test])
        expect(part.length).toBeGreaterThan(0);
    },
  );

  it.skipIf(!installed)("should join recordings with the source and span of each", async () => {
    const files = listRecordings(RECORDED_SOURCES[0]!).slice(0, 3);
    const joined = await joinRecordings(files, 16_000);
    expect(joined.placements.map((p) => p.text)).toEqual(
      files.map(() => `recorded ${files[0]!.source}`),
    );
    expect(joined.seconds).toBeCloseTo(recordedSeconds(files) + 2 * 0.25, 1);
    for (let i = 1; i < joined.placements.length; i++)
      expect(joined.placements[i]!.start).toBeCloseTo(joined.placements[i - 1]!.end + 0.25, 3);
  });
});
