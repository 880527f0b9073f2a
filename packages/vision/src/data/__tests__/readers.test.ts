import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";

import { DataError, loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { solidPng, tempDir, writeFixture } from "../../__tests__/fixtures/synthetic-images.js";
import { imagePreprocessor } from "../../image/image-preprocessor.js";
import { imageDataset } from "../image-dataset.js";
import { readImageFolder } from "../read-image-folder.js";
import { readImageManifest } from "../read-image-manifest.js";

describe("readImageFolder", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, "normal"));
    await mkdir(join(dir, "nodule"));
    for (const [cls, n] of [
      ["normal", 3],
      ["nodule", 2],
    ] as const) {
      for (let i = 0; i < n; i++)
        await writeFixture(join(dir, cls), `${i}.png`, await solidPng(4, 4, [i * 30, 0, 0]));
    }
    await writeFixture(join(dir, "normal"), "README.txt", "not an image, ignored");
  });
  afterEach(() => cleanup());

  it("should label files by sub-folder with sorted class names", async () => {
    const { inputs: files, labels, classNames } = await readImageFolder(dir);
    expect(classNames).toEqual(["nodule", "normal"]);
    expect(files).toHaveLength(5);
    expect(labels).toEqual([0, 0, 1, 1, 1]);
    expect(files[0]).toBe(join(dir, "nodule", "0.png"));
  });

  it("should follow links to images and to class folders, and skip dangling links", async () => {
    const linked = join(dir, "linked");
    await mkdir(join(linked, "lesion"), { recursive: true });
    await symlink(join(dir, "nodule", "0.png"), join(linked, "lesion", "a.png"));
    await symlink(join(dir, "nodule", "1.png"), join(linked, "lesion", "b.png"));
    await symlink(join(dir, "nodule", "gone.png"), join(linked, "lesion", "dangling.png"));
    await symlink(join(dir, "normal"), join(linked, "normal"));
    const { inputs, labels, classNames } = await readImageFolder(linked);
    expect(classNames).toEqual(["lesion", "normal"]);
    expect(labels).toEqual([0, 0, 1, 1, 1]);
    expect(inputs[0]).toBe(join(linked, "lesion", "a.png"));
  });

  it("should return the shape imageDataset takes, so the result spreads into it", async () => {
    await loadEngine();
    const read = await readImageFolder(dir);
    const data = imageDataset({
      ...read,
      preprocessor: imagePreprocessor({ height: 4, width: 4 }),
    });
    expect([data.size, data.labels, data.inputs]).toEqual([5, read.labels, read.inputs]);
    const before = tf.memory().numTensors;
    const x = await data.batch([0, 4]);
    expect(x.shape).toEqual([2, 4, 4, 3]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should name every corrupt file in one DataError", async () => {
    await writeFixture(join(dir, "normal"), "text.png", "hello");
    const png = await solidPng(8, 8, [1, 2, 3]);
    await writeFixture(join(dir, "nodule"), "cut.png", png.subarray(0, 30));
    const error = await readImageFolder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/2 of 7 image\(s\)/);
    expect((error as Error).message).toContain(join(dir, "normal", "text.png"));
    expect((error as Error).message).toContain(join(dir, "nodule", "cut.png"));
  });

  it("should skip corrupt files with a warning when asked to", async () => {
    await writeFixture(join(dir, "normal"), "text.png", "hello");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { inputs: files } = await readImageFolder(dir, { skipInvalid: true });
    expect(files).toHaveLength(5);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain("text.png");
  });

  it("should reject an empty class folder and a folder without classes", async () => {
    await mkdir(join(dir, "empty"));
    await expect(readImageFolder(dir)).rejects.toThrow(/class folder "empty" holds no images/);
    const other = await tempDir();
    await expect(readImageFolder(other.dir)).rejects.toThrow(/no class sub-folders found/);
    await other.cleanup();
  });
});

describe("readImageManifest", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, "img"));
    for (let i = 0; i < 4; i++)
      await writeFixture(join(dir, "img"), `${i}.png`, await solidPng(3, 3, [i, i, i]));
  });
  afterEach(() => cleanup());

  it("should read a CSV manifest with paths relative to its folder", async () => {
    const csv = await writeFixture(
      dir,
      "train.csv",
      'label,path\nsick,img/0.png\nwell,"img/1.png"\nsick,img/2.png\n',
    );
    const { inputs: files, labels, classNames } = await readImageManifest(csv);
    expect(classNames).toEqual(["sick", "well"]);
    expect(labels).toEqual([0, 1, 0]);
    expect(files).toEqual([0, 1, 2].map((i) => join(dir, "img", `${i}.png`)));
  });

  it("should read a JSONL manifest", async () => {
    const jsonl = await writeFixture(
      dir,
      "train.jsonl",
      '{"path":"img/3.png","label":"b"}\n\n{"path":"img/0.png","label":"a"}\n',
    );
    const { inputs: files, labels, classNames } = await readImageManifest(jsonl);
    expect(classNames).toEqual(["a", "b"]);
    expect(labels).toEqual([1, 0]);
    expect(files[0]).toBe(join(dir, "img", "3.png"));
  });

  it("should name a missing file and malformed lines", async () => {
    const csv = await writeFixture(dir, "bad.csv", "path,label\nimg/0.png,a\nimg/nope.png,b\n");
    await expect(readImageManifest(csv)).rejects.toThrow(/img\/nope\.png: cannot read image file/);
    const header = await writeFixture(dir, "header.csv", "file,class\nimg/0.png,a\n");
    await expect(readImageManifest(header)).rejects.toThrow(/must name "path" and "label"/);
    const jsonl = await writeFixture(dir, "bad.jsonl", '{"path":"img/0.png"}\n');
    await expect(readImageManifest(jsonl)).rejects.toThrow(/line 1 needs a string "path"/);
  });

  it("should reject relative paths that climb out of the manifest's folder", async () => {
    const csv = await writeFixture(
      join(dir, "img"),
      "train.csv",
      "path,label\n0.png,a\n../img/1.png,a\n../escape.png,b\nsub/../../x.png,b\n",
    );
    const error = await readImageManifest(csv, { verify: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(
      /train\.csv: 2 path\(s\) point outside the manifest's folder .*row 3 "\.\.\/escape\.png", row 4 "sub\/\.\.\/\.\.\/x\.png"/,
    );
    expect((error as DataError).fix).toMatch(/allowOutside/);
    const { inputs: files } = await readImageManifest(csv, { verify: false, allowOutside: true });
    expect(files).toContain(join(dir, "escape.png"));
  });

  it("should accept absolute paths anywhere", async () => {
    const csv = await writeFixture(
      join(dir, "img"),
      "abs.csv",
      `path,label\n0.png,a\n${join(dir, "img", "3.png")},b\n`,
    );
    const { inputs: files } = await readImageManifest(csv);
    expect(files).toEqual([join(dir, "img", "0.png"), join(dir, "img", "3.png")]);
  });
});
