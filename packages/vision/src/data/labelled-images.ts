import type { LabelledInputs } from "@graft/core";

/**
 * Image files with one class index each, as read from a folder or a manifest:
 * core's `LabelledInputs` (`{ inputs, labels, classNames }`), the shape audio's readers return too.
 */
export type LabelledImages = LabelledInputs;

/** Options shared by the data set readers. */
export interface ReadImagesOptions {
  /**
   * Decode every file while reading, so corrupt files fail now with their names instead of mid-training.
   * @default true
   */
  verify?: boolean;
  /**
   * Skip unreadable or corrupt files with a `console.warn` instead of failing.
   * @default false
   */
  skipInvalid?: boolean;
}

/** Reorders a (file, class name) list into {@link LabelledImages} with sorted class names. */
export function toLabelledImages(
  entries: readonly { file: string; label: string }[],
): LabelledImages {
  const classNames = [...new Set(entries.map((e) => e.label))].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  return {
    inputs: entries.map((e) => e.file),
    labels: entries.map((e) => index.get(e.label) ?? -1),
    classNames,
  };
}
