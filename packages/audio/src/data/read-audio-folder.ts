import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";

import { DataError } from "@graft/core";
import type { LabelledInputs } from "@graft/core";

/**
 * Audio files with one class index each, as read from a folder or a manifest:
 * core's `LabelledInputs` (`{ inputs, labels, classNames }`, the shape vision's
 * readers return too), plus the manifest's transcripts when it has them.
 */
export interface LabelledAudio extends LabelledInputs {
  /** What is said in each clip (`undefined` for a row without one); only from a manifest with a `transcript` column. */
  readonly transcripts?: (string | undefined)[];
}

/** Sorts the distinct class names and gives each file its class index. */
export function toLabelledAudio(entries: readonly { path: string; label: string }[]): LabelledAudio {
  const classNames = [...new Set(entries.map((e) => e.label))].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  return {
    inputs: entries.map((e) => e.path),
    labels: entries.map((e) => index.get(e.label) ?? -1),
    classNames,
  };
}

/** Options of {@link readAudioFolder}. */
export interface ReadAudioFolderOptions {
  /** File extensions to keep, lower case. @default [".wav"] */
  extensions?: readonly string[];
}

/**
 * Lists `dir/<label>/*.wav`: one sub-folder per class. Files are sorted so
 * the listing is the same on every machine; empty class folders are skipped.
 * Throws a {@link DataError} when the folder is missing or holds no audio.
 */
export async function readAudioFolder(dir: string, { extensions = [".wav"] }: ReadAudioFolderOptions = {}): Promise<LabelledAudio> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError("cannot read the dataset folder.", { file: dir, cause: error, fix: "pass a folder holding one sub-folder of WAV files per label." });
  }
  const items: { path: string; label: string }[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const classDir = join(dir, entry.name);
    const files = (await readdir(classDir)).filter((f) => extensions.includes(extname(f).toLowerCase())).sort();
    const kept: string[] = [];
    for (const file of files) if ((await stat(join(classDir, file))).isFile()) kept.push(file);
    if (kept.length === 0) continue;
    for (const file of kept) items.push({ path: join(classDir, file), label: entry.name });
  }
  if (items.length === 0) {
    throw new DataError(`no ${extensions.join("/")} files in any sub-folder.`, {
      file: dir,
      fix: "lay the data out as <dir>/<label>/<clip>.wav, e.g. data/wake/001.wav and data/other/001.wav.",
    });
  }
  return toLabelledAudio(items);
}
