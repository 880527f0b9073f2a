import { ConfigError } from "@graft/core";

/** How {@link fitLength} aligns a signal that is too short or too long. */
export type FitMode = "pad" | "trim" | "center";

/** Options of {@link fitLength}. */
export interface FitLengthOptions {
  /**
   * `pad`: keep the start (zeros appended, or the end cut off);
   * `trim`: keep the end (zeros prepended, or the start cut off);
   * `center`: keep the middle (zeros or cuts split evenly on both sides).
   * @default "pad"
   */
  mode?: FitMode;
}

/** Returns a new array of exactly `length` samples: `samples` padded with silence or cut, per `mode`. */
export function fitLength(
  samples: Float32Array,
  length: number,
  { mode = "pad" }: FitLengthOptions = {},
): Float32Array {
  if (!Number.isInteger(length) || length < 0) {
    throw new ConfigError(`fitLength: length must be a non-negative integer, got ${length}.`);
  }
  if (mode !== "pad" && mode !== "trim" && mode !== "center") {
    throw new ConfigError(`fitLength: mode must be "pad", "trim" or "center", got ${JSON.stringify(mode)}.`);
  }
  const out = new Float32Array(length);
  const diff = length - samples.length;
  // Offset of the input inside the output (positive) or of the output inside the input (negative).
  const shift = mode === "pad" ? 0 : mode === "trim" ? diff : Math.trunc(diff / 2);
  if (shift >= 0) out.set(samples.subarray(0, Math.min(samples.length, length - shift)), shift);
  else out.set(samples.subarray(-shift, -shift + length));
  return out;
}
