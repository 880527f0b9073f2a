import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";

import { DataError } from "@graft/core";

import { IMAGE_EXTENSIONS } from "../image/decode-image.js";
import { toLabelledImages } from "./labelled-images.js";
import type { LabelledImages, ReadImagesOptions } from "./labelled-images.js";
import { verifyImages } from "./verify-images.js";

/**
 * Reads a folder with one sub-folder per class (`dir/cat/1.png`,
 * `dir/dog/7.jpg`): the sub-folder name is the label. Files without an image
 * extension are ignored; an empty class folder or fewer than two classes is a
 * `DataError`.
 */
export async function readImageFolder(
  dir: string,
  { verify = true, skipInvalid = false }: ReadImagesOptions = {},
): Promise<LabelledImages> {
  const root = resolve(dir);
  let classDirs: string[];
  try {
    const entries = await readdir(root, { withFileTypes: true });
    classDirs = (await entriesOfKind(root, entries, "directory"))
      .filter((name) => !name.startsWith("."))
      .sort();
  } catch (error) {
    throw new DataError(`cannot read the image folder (${String((error as Error).message)})`, {
      file: root,
      cause: error,
    });
  }
  const layout = "one sub-folder per class, e.g. data/normal/*.png and data/nodule/*.png";
  if (classDirs.length === 0) {
    throw new DataError(`no class sub-folders found`, {
      file: root,
      fix: `put images in ${layout}`,
    });
  }
  let entries: { file: string; label: string }[] = [];
  for (const label of classDirs) {
    const listed = await readdir(join(root, label), { withFileTypes: true });
    const files = (await entriesOfKind(join(root, label), listed, "file"))
      .filter((name) => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase()))
      .map((name) => join(root, label, name))
      .sort();
    if (files.length === 0) {
      throw new DataError(
        `class folder "${label}" holds no images (${IMAGE_EXTENSIONS.join(", ")})`,
        {
          file: join(root, label),
          fix: "add images to it or remove the folder",
        },
      );
    }
    entries.push(...files.map((file) => ({ file, label })));
  }
  if (verify) entries = await verifyImages(entries, { skipInvalid, source: root });
  const result = toLabelledImages(entries);
  if (result.classNames.length < 2) {
    throw new DataError(
      `found ${result.classNames.length} class(es) with readable images; a classifier needs at least 2`,
      {
        file: root,
        fix: `use ${layout}`,
      },
    );
  }
  return result;
}

/**
 * Names of the entries that are files (or directories), following symbolic
 * links: data sets are often trees of links to the images' real place. A
 * dangling link is left out here and so never read.
 */
async function entriesOfKind(
  dir: string,
  entries: readonly Dirent[],
  kind: "file" | "directory",
): Promise<string[]> {
  const names: string[] = [];
  for (const e of entries) {
    const target = e.isSymbolicLink() ? await stat(join(dir, e.name)).catch(() => undefined) : e;
    if (target && (kind === "file" ? target.isFile() : target.isDirectory())) names.push(e.name);
  }
  return names;
}
