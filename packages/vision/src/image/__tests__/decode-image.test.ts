import { DataError } from "@graft/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { encode, makeImage, tempDir, writeFixture } from "../../__tests__/fixtures/synthetic-images.js";
import type { Mime } from "../../__tests__/fixtures/synthetic-images.js";
import { decodeImage } from "../decode-image.js";

const quadrants = makeImage(8, 6, (x, y) =>
  x < 4 ? (y < 3 ? [255, 0, 0, 255] : [0, 0, 255, 255]) : [0, 255, 0, 255],
);

describe("decodeImage", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  const formats: [Mime, string, number][] = [
    ["image/png", "png", 0],
    ["image/jpeg", "jpg", 12],
    ["image/bmp", "bmp", 0],
    ["image/tiff", "tiff", 0],
    ["image/gif", "gif", 30],
  ];
  for (const [mime, ext, tolerance] of formats) {
    it(`should decode ${ext.toUpperCase()} from a path and from a Buffer`, async () => {
      const bytes = await encode(quadrants, mime);
      const path = await writeFixture(dir, `quadrants.${ext}`, bytes);
      for (const source of [path, bytes]) {
        const image = await decodeImage(source);
        expect([image.bitmap.width, image.bitmap.height]).toEqual([8, 6]);
        const px = (x: number, y: number): number[] => [
          ...image.bitmap.data.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 3),
        ];
        // Sample away from colour edges: JPEG blurs them.
        for (const [[x, y], rgb] of [
          [
            [1, 1],
            [255, 0, 0],
          ],
          [
            [1, 4],
            [0, 0, 255],
          ],
          [
            [6, 3],
            [0, 255, 0],
          ],
        ] as const) {
          px(x, y).forEach((v, c) =>
            expect(Math.abs(v - (rgb[c] ?? 0))).toBeLessThanOrEqual(tolerance),
          );
        }
      }
    });
  }

  it("should raise a DataError naming a text file saved as .png", async () => {
    const path = await writeFixture(dir, "notes.png", "this is not an image\n");
    await expect(decodeImage(path)).rejects.toThrow(DataError);
    await expect(decodeImage(path)).rejects.toThrow(/notes\.png: not a decodable/);
  });

  it("should raise a DataError naming a truncated PNG", async () => {
    const bytes = await encode(quadrants, "image/png");
    const path = await writeFixture(
      dir,
      "truncated.png",
      bytes.subarray(0, Math.floor(bytes.length / 2)),
    );
    const error = await decodeImage(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).file).toBe(path);
    expect((error as DataError).message).toMatch(/truncated\.png/);
  });

  it("should raise a DataError for a missing file and an empty one", async () => {
    await expect(decodeImage(`${dir}/missing.png`)).rejects.toThrow(
      /missing\.png: cannot read image file/,
    );
    const empty = await writeFixture(dir, "empty.png", "");
    await expect(decodeImage(empty)).rejects.toThrow(/empty\.png: image file is empty/);
  });
});
