import { InputMismatchError } from "../errors.js";
import type { InputSpec } from "../types.js";

/**
 * Checks that a preprocessor produces what a backbone consumes. Differences
 * that an adapter could bridge (grayscale vs RGB, another sample rate) are
 * still errors here: the fix says which preprocessor option to change, so
 * nothing is inserted behind the user's back.
 */
export function checkInputSpec(produced: InputSpec, consumed: InputSpec, backboneName: string): void {
  const mismatch = (what: string, fix: string): never => {
    throw new InputMismatchError(
      `The preprocessor produces ${what} that backbone "${backboneName}" does not take: expected ${describeSpec(consumed)}, got ${describeSpec(produced)}.`,
      consumed,
      produced,
      { fix },
    );
  };
  if (consumed.kind === "tensor") {
    const shape = exampleShape(produced);
    if (shape && !sameShape(shape, consumed.shape)) {
      mismatch("inputs of another shape", `make the preprocessor output [${consumed.shape.join(", ")}]`);
    }
    return;
  }
  if (produced.kind !== consumed.kind) {
    mismatch(`${produced.kind} inputs`, `use a ${consumed.kind} preprocessor (from @graft/${consumed.kind === "image" ? "vision" : "audio"})`);
  }
  if (produced.kind === "image" && consumed.kind === "image") {
    if (produced.height !== consumed.height || produced.width !== consumed.width) {
      mismatch("images of another size", `set the preprocessor's height: ${consumed.height}, width: ${consumed.width}`);
    }
    if (produced.channels !== consumed.channels) {
      mismatch(`${produced.channels}-channel images`, `set the preprocessor's channels: ${consumed.channels} (grayscale is replicated to RGB and RGB averaged to gray)`);
    }
    if (produced.normalization !== consumed.normalization) {
      mismatch(`"${produced.normalization}"-normalised pixels`, `set the preprocessor's normalization: "${consumed.normalization}"`);
    }
  }
  if (produced.kind === "audio" && consumed.kind === "audio") {
    for (const key of ["sampleRate", "windowSize", "hopSize", "feature", "bands", "frames"] as const) {
      if (produced[key] !== consumed[key]) {
        mismatch(`audio features with ${key} ${produced[key]}`, `set the preprocessor's ${key}: ${JSON.stringify(consumed[key])} (audio is resampled to the model's rate on decoding)`);
      }
    }
  }
}

/** An InputSpec in words, for messages. */
export function describeSpec(spec: InputSpec): string {
  switch (spec.kind) {
    case "image":
      return `${spec.height}×${spec.width}×${spec.channels} images, ${spec.normalization} normalisation`;
    case "audio":
      return `${spec.feature} ${spec.frames}×${spec.bands} at ${spec.sampleRate} Hz (window ${spec.windowSize}, hop ${spec.hopSize})`;
    case "tensor":
      return `tensors of shape [${spec.shape.join(", ")}]`;
  }
}

function exampleShape(spec: InputSpec): readonly number[] | undefined {
  if (spec.kind === "tensor") return spec.shape;
  if (spec.kind === "image") return [spec.height, spec.width, spec.channels];
  return undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i] || d === -1 || b[i] === -1);
}
