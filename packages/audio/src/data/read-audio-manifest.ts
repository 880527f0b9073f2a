import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";

import { DataError } from "@graft/core";

import { toLabelledAudio } from "./read-audio-folder.js";
import type { LabelledAudio } from "./read-audio-folder.js";

/** Options of {@link readAudioManifest}. */
export interface ReadAudioManifestOptions {
  /**
   * Accept relative paths that climb out of the manifest's folder (`../x.wav`).
   * Absolute paths are always accepted: they say where they point.
   * @default false
   */
  allowOutside?: boolean;
}

/**
 * Reads a manifest of clips: CSV with a header row, or JSONL (one object per
 * line, by extension `.jsonl`/`.ndjson`). Each row needs `path` and a `label`
 * or a `transcript` (the label defaults to the transcript). Relative paths are
 * resolved against the manifest's folder and must stay inside it unless
 * `allowOutside` is set.
 */
export async function readAudioManifest(file: string, { allowOutside = false }: ReadAudioManifestOptions = {}): Promise<LabelledAudio> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new DataError("cannot read the manifest.", { file, cause: error });
  }
  const jsonl = [".jsonl", ".ndjson"].includes(extname(file).toLowerCase());
  const rows = jsonl ? parseJsonl(text, file) : parseCsv(text, file);
  const base = dirname(file);
  const items = rows.map((row, i) => {
    const where = `row ${i + 1}`;
    const path = row["path"];
    const transcript = row["transcript"];
    const label = row["label"] ?? transcript;
    if (!path) throw new DataError(`${where} has no "path".`, { file, fix: 'give every row a "path" column.' });
    if (label === undefined || label === "") {
      throw new DataError(`${where} has neither "label" nor "transcript".`, { file, fix: 'add a "label" or "transcript" column.' });
    }
    return { path: isAbsolute(path) ? path : resolve(base, path), label, transcript };
  });
  if (items.length === 0) throw new DataError("the manifest lists no clips.", { file });
  if (!allowOutside) rejectOutside(rows.map((row) => row["path"] ?? ""), base, file);
  const listing = toLabelledAudio(items);
  if (items.every((item) => item.transcript === undefined)) return listing;
  return { ...listing, transcripts: items.map((item) => item.transcript) };
}

// A copied or downloaded manifest must not reach files beside its data folder by accident.
function rejectOutside(paths: readonly string[], base: string, file: string): void {
  const outside = paths
    .map((path, i) => ({ row: i + 1, path }))
    .filter(({ path }) => {
      if (isAbsolute(path)) return false;
      const rel = relative(resolve(base), resolve(base, path));
      return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    });
  if (outside.length === 0) return;
  const list = outside.slice(0, 5).map((o) => `row ${o.row} "${o.path}"`).join(", ");
  throw new DataError(`${outside.length} path(s) point outside the manifest's folder ${resolve(base)}: ${list}${outside.length > 5 ? ", …" : ""}.`, {
    file,
    fix: "move the manifest into a folder that holds all its clips, write such paths as absolute paths, or pass { allowOutside: true }.",
  });
}

function parseJsonl(text: string, file: string): Record<string, string | undefined>[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== "")
    .map(([line, n]) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new DataError(`line ${n} is not valid JSON.`, { file, cause: error });
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new DataError(`line ${n} is not a JSON object.`, { file });
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === undefined || v === null ? undefined : String(v)]));
    });
}

function parseCsv(text: string, file: string): Record<string, string | undefined>[] {
  const lines = splitCsv(text).filter((cells) => cells.length > 1 || (cells[0] ?? "") !== "");
  const header = (lines.shift() ?? []).map((h) => h.trim());
  if (!header.includes("path")) {
    throw new DataError(`the CSV header has no "path" column (found: ${header.join(", ")}).`, { file, fix: "start the file with a header such as `path,label`." });
  }
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

// RFC 4180: quoted fields may hold commas, newlines and doubled quotes.
function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = (): void => {
    row.push(cell);
    cell = "";
  };
  const endRow = (): void => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) endRow();
  return rows;
}
