import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, relative, resolve, sep } from "node:path";

import { DataError } from "@graft/core";

import { toLabelledImages } from "./labelled-images.js";
import type { LabelledImages, ReadImagesOptions } from "./labelled-images.js";
import { verifyImages } from "./verify-images.js";

/** Options of {@link readImageManifest}. */
export interface ReadImageManifestOptions extends ReadImagesOptions {
  /**
   * Accept relative paths that climb out of the manifest's folder (`../x.png`).
   * Absolute paths are always accepted: they say where they point.
   * @default false
   */
  allowOutside?: boolean;
}

/**
 * Reads a manifest of labelled images: CSV with a `path,label` header, or
 * JSONL with one `{"path": …, "label": …}` object per line (chosen by the
 * `.csv` / `.jsonl` extension). Relative paths are resolved against the
 * manifest's folder and must stay inside it unless `allowOutside` is set.
 */
export async function readImageManifest(
  file: string,
  { verify = true, skipInvalid = false, allowOutside = false }: ReadImageManifestOptions = {},
): Promise<LabelledImages> {
  const manifest = resolve(file);
  let text: string;
  try {
    text = await readFile(manifest, "utf8");
  } catch (error) {
    throw new DataError(`cannot read the manifest (${String((error as Error).message)})`, {
      file: manifest,
      cause: error,
    });
  }
  const ext = extname(manifest).toLowerCase();
  const rows =
    ext === ".csv"
      ? parseCsv(text, manifest)
      : ext === ".jsonl" || ext === ".ndjson"
        ? parseJsonl(text, manifest)
        : undefined;
  if (!rows) {
    throw new DataError(`unknown manifest type "${ext}"; expected .csv or .jsonl`, {
      file: manifest,
    });
  }
  if (rows.length === 0) throw new DataError("the manifest lists no images", { file: manifest });
  const base = dirname(manifest);
  let entries = rows.map((r) => ({
    file: isAbsolute(r.path) ? r.path : resolve(base, r.path),
    label: r.label,
  }));
  if (!allowOutside) rejectOutside(rows, base, manifest);
  if (verify) entries = await verifyImages(entries, { skipInvalid, source: manifest });
  if (entries.length === 0)
    throw new DataError("no readable images left after skipping invalid files", { file: manifest });
  return toLabelledImages(entries);
}

// A copied or downloaded manifest must not reach files beside its data folder by accident.
function rejectOutside(rows: readonly Row[], base: string, manifest: string): void {
  const outside = rows
    .map((r, i) => ({ row: i + 1, path: r.path }))
    .filter(({ path }) => {
      if (isAbsolute(path)) return false;
      const rel = relative(base, resolve(base, path));
      return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    });
  if (outside.length === 0) return;
  const list = outside
    .slice(0, 5)
    .map((o) => `row ${o.row} "${o.path}"`)
    .join(", ");
  throw new DataError(
    `${outside.length} path(s) point outside the manifest's folder ${base}: ${list}${outside.length > 5 ? ", …" : ""}`,
    {
      file: manifest,
      fix: "move the manifest into a folder that holds all its images, write such paths as absolute paths, or pass { allowOutside: true }",
    },
  );
}

interface Row {
  path: string;
  label: string;
}

function parseJsonl(text: string, manifest: string): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DataError(`line ${i + 1} is not valid JSON`, { file: manifest, cause: error });
    }
    const { path, label } = (value ?? {}) as { path?: unknown; label?: unknown };
    if (typeof path !== "string" || (typeof label !== "string" && typeof label !== "number")) {
      throw new DataError(
        `line ${i + 1} needs a string "path" and a string or number "label", got ${line}`,
        {
          file: manifest,
          fix: `write lines like {"path": "images/1.png", "label": "nodule"}`,
        },
      );
    }
    rows.push({ path, label: String(label) });
  });
  return rows;
}

function parseCsv(text: string, manifest: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  const pathAt = header.indexOf("path");
  const labelAt = header.indexOf("label");
  if (pathAt < 0 || labelAt < 0) {
    throw new DataError(
      `the CSV header must name "path" and "label" columns, got "${lines[0] ?? ""}"`,
      {
        file: manifest,
        fix: "start the file with the line: path,label",
      },
    );
  }
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    const path = cells[pathAt]?.trim();
    const label = cells[labelAt]?.trim();
    if (!path || !label) {
      throw new DataError(`line ${i + 2} has no path or no label: "${line}"`, { file: manifest });
    }
    return { path, label };
  });
}

// RFC 4180 subset: quoted cells may hold commas and doubled quotes.
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
