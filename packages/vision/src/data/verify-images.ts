import { DataError } from "@graft/core";

import { decodeImage } from "../image/decode-image.js";

/**
 * Decodes every entry's file. Bad files either all go into one `DataError`
 * that names each of them, or, with `skipInvalid`, are dropped with a warning.
 */
export async function verifyImages<T extends { file: string }>(
  entries: readonly T[],
  { skipInvalid = false, source }: { skipInvalid?: boolean; source: string },
): Promise<T[]> {
  const good: T[] = [];
  const bad: { file: string; reason: string }[] = [];
  for (const entry of entries) {
    try {
      await decodeImage(entry.file);
      good.push(entry);
    } catch (error) {
      const reason =
        error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
      bad.push({ file: entry.file, reason });
    }
  }
  if (bad.length === 0) return good;
  const list = bad.map((b) => `  ${b.reason}`).join("\n");
  if (skipInvalid) {
    console.warn(`graft vision: skipping ${bad.length} unreadable image(s) in ${source}:\n${list}`);
    return good;
  }
  throw new DataError(
    `${bad.length} of ${entries.length} image(s) in ${source} cannot be decoded:\n${list}`,
    {
      fix: "fix or delete these files, or pass { skipInvalid: true } to skip them with a warning",
    },
  );
}
