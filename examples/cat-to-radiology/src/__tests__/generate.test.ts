import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { CRANIUM_INV3 } from "../radiographs/ct-volume.js";
import { generateRadiographs } from "../radiographs/generate.js";

const haveCt = existsSync(CRANIUM_INV3);
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "radiographs-"));
  dirs.push(dir);
  return dir;
};

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveCt)("generateRadiographs", () => {
  it("should render a balanced set with each lesion inside its image", async () => {
    const records = await generateRadiographs({
      outDir: await tempDir(),
      count: 6,
      seed: 3,
      size: 64,
    });
    expect(records.map((r) => r.label).sort()).toEqual([0, 0, 0, 1, 1, 1]);
    for (const r of records) {
      expect(existsSync(r.file)).toBe(true);
      if (r.label === 1) {
        expect(r.lesion?.contrast).toBeGreaterThan(0);
        expect(r.lesionPixels?.x).toBeGreaterThanOrEqual(0);
        expect(r.lesionPixels?.x).toBeLessThan(64);
      } else {
        expect(r.lesion).toBeUndefined();
      }
    }
  });

  it("should give the same images for the same seed", async () => {
    const [a, b] = await Promise.all([tempDir(), tempDir()]);
    const first = await generateRadiographs({ outDir: a, count: 2, seed: 5, size: 48 });
    const second = await generateRadiographs({ outDir: b, count: 2, seed: 5, size: 48 });
    for (const [i, record] of first.entries()) {
      const again = second[i];
      expect(again?.label).toBe(record.label);
      expect(await readFile(again?.file ?? "")).toEqual(await readFile(record.file));
    }
  });
});
