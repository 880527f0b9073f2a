import { join } from "node:path";

import { DataError, type GraftError } from "@graft/core";
import { decodeImage, imagePreprocessor, readImageFolder, readImageManifest } from "@graft/vision";
import { describe, expect, it } from "vitest";

import {
  BAD_IMAGES,
  CASE_MS,
  expectClearError,
  rejectionOf,
} from "./fixtures/bad-inputs/expect-errors.js";
import { IMAGE_SIDE } from "./fixtures/bad-inputs/generate.js";
import { useBadInputCorpus } from "./fixtures/bad-inputs/use-corpus.js";

const bad = useBadInputCorpus();

describe("bad-input corpus: images (library)", () => {
  it.each(["png", "jpeg", "bmp"] as const)(
    "should decode a valid %s to the right shape",
    async (format) => {
      const file = bad.corpus.validImages[format];
      const image = await decodeImage(file);
      expect([image.bitmap.width, image.bitmap.height]).toEqual([IMAGE_SIDE, IMAGE_SIDE]);
      const x = await imagePreprocessor({ height: 8, width: 8 }).process([file]);
      expect(x.shape).toEqual([1, 8, 8, 3]);
      x.dispose();
    },
    CASE_MS,
  );

  it("should cover every kind of damaged image", () => {
    expect(Object.keys(bad.corpus.badImages).sort()).toEqual([...BAD_IMAGES].sort());
  });

  it.each(BAD_IMAGES)(
    "should reject a %s with a DataError naming the file",
    async (name) => {
      const file = bad.corpus.badImages[name] as string;
      const rss = process.memoryUsage().rss;
      expectClearError(await rejectionOf(decodeImage(file)), file);
      const preprocessor = imagePreprocessor({ height: 8, width: 8 });
      expectClearError(await rejectionOf(preprocessor.process([file])), file);
      // Huge declared sizes are refused from the header, before any pixel buffer exists.
      expect(process.memoryUsage().rss - rss).toBeLessThan(200e6);
    },
    CASE_MS,
  );

  it("should name every bad file of a folder in one DataError", async () => {
    const { imagesWithBadFiles: root } = bad.corpus.sets;
    const error = await rejectionOf(readImageFolder(root));
    expect(error).toBeInstanceOf(DataError);
    for (const f of [join("a", "truncated.png"), join("b", "text.png"), join("b", "empty.png")])
      expect((error as Error).message).toContain(join(root, f));
    expect((error as GraftError).fix).toMatch(/skipInvalid/);
  });

  it("should reject an empty class folder and a one-class folder", async () => {
    const { imagesEmptyClass, imagesOneClass } = bad.corpus.sets;
    expectClearError(
      await rejectionOf(readImageFolder(imagesEmptyClass)),
      join(imagesEmptyClass, "c"),
    );
    expectClearError(await rejectionOf(readImageFolder(imagesOneClass)), imagesOneClass);
  });

  it("should reject a manifest path that climbs out of the manifest's folder", async () => {
    const { imageManifestOutside: manifest, imageManifestAbsolute } = bad.corpus.sets;
    const error = await rejectionOf(readImageManifest(manifest));
    expectClearError(error, manifest);
    expect((error as Error).message).toMatch(/row 3 "\.\.\/secret\.png"/);
    const allowed = await readImageManifest(manifest, { allowOutside: true });
    expect(allowed.inputs).toHaveLength(3);
    // An absolute path says where it points: accepted.
    const absolute = await readImageManifest(imageManifestAbsolute);
    expect(absolute.inputs.at(-1)).toMatch(/secret\.png$/);
  });
});
