import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";

import { DataError } from "@graft/core";

/** One audio file and its label. */
export interface AudioItem {
  readonly path: string;
  /** Class name (folder name, or the manifest's label). */
  readonly label: string;
  /** What is said in the clip, when the manifest gives it. */
  readonly transcript?: string;
}

/** Files found by a dataset reader, with the sorted list of distinct labels. */
export interface AudioListing {
  readonly items: readonly AudioItem[];
  /** Distinct labels, sorted; an item's class index is its label's index here. */
  readonly labels: readonly string[];
}

/** Options of {@link readAudioFolder}. */
export interface ReadAudioFolderOptions {
  /** File extensions to keep, lower case. @default [".wav"] */
  extensions?: readonly string[];
}

/**
 * Lists `dir/<label>/*.wav`: one sub-folder per class. Files are sorted so
 * the listing is the same on every machine. Throws a {@link DataError} when
 * the folder is missing or holds no audio.
 */
export async function readAudioFolder(dir: string, { extensions = [".wav"] }: ReadAudioFolderOptions = {}): Promise<AudioListing> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError("cannot read the dataset folder.", { file: dir, cause: error, fix: "pass a folder holding one sub-folder of WAV files per label." });
  }
  const items: AudioItem[] = [];
  const labels: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const classDir = join(dir, entry.name);
    const files = (await readdir(classDir)).filter((f) => extensions.includes(extname(f).toLowerCase())).sort();
    const kept: string[] = [];
    for (const file of files) if ((await stat(join(classDir, file))).isFile()) kept.push(file);
    if (kept.length === 0) continue;
    labels.push(entry.name);
    for (const file of kept) items.push({ path: join(classDir, file), label: entry.name });
  }
  if (items.length === 0) {
    throw new DataError(`no ${extensions.join("/")} files in any sub-folder.`, {
      file: dir,
      fix: "lay the data out as <dir>/<label>/<clip>.wav, e.g. data/wake/001.wav and data/other/001.wav.",
    });
  }
  return { items, labels };
}
