import {
  parseFreezePolicy,
  type CandidatePooling,
  type FreezePolicy,
  type HeadFactory,
  type Pooling,
} from "@graft/core";
import { denseHead, outputHead } from "@graft/core";
import { InvalidArgumentError } from "commander";

import { UsageError } from "./errors.js";
import type { CliPlugin, CutSpec } from "./plugins/types.js";

/** Commander parser: a positive integer. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}".`);
  return n;
}

/** Commander parser: an integer ≥ 0. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}".`);
  return n;
}

/** Commander parser: a positive number. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError(`expected a positive number, got "${value}".`);
  return n;
}

/** Commander parser: a number ≥ 0. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n))
    throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}".`);
  return n;
}

/** Commander parser: a fraction in [0, 1). */
export function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1))
    throw new InvalidArgumentError(`expected a fraction in [0, 1), e.g. 0.2, got "${value}".`);
  return n;
}

/** Commander parser: a probability in [0, 1]. */
export function probability(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`expected a number in [0, 1], got "${value}".`);
  return n;
}

/** Commander parser: `--cut <layer>` or `--cut last:N` (cut before the last N layers). */
export function parseCut(value: string): NonNullable<CutSpec> {
  const match = /^last:(\d+)$/.exec(value);
  if (match) {
    const n = Number(match[1]);
    if (n < 1) throw new InvalidArgumentError(`"last:N" needs N ≥ 1, got "${value}".`);
    return { dropLast: n };
  }
  if (value.trim() === "") throw new InvalidArgumentError("expected a layer name or last:N.");
  return { at: value };
}

/** Commander parser: a freeze policy (`frozen`, `trainable`/`all`, `top:N`, `from:<layer>`). */
export function parseFreeze(value: string): FreezePolicy {
  try {
    return parseFreezePolicy(value === "all" ? "trainable" : value);
  } catch {
    throw new InvalidArgumentError(
      `expected frozen, all, top:<n> or from:<layer>, got "${value}".`,
    );
  }
}

/** A parsed `--head` value. */
export type HeadSpec =
  | { readonly kind: "output" }
  | { readonly kind: "dense"; readonly units: number[] }
  | { readonly kind: "plugin"; readonly name: string; readonly units: number[] };

/**
 * Commander parser of `--head`: `output` (one new output layer),
 * `dense:64,dense:32` (hidden layers, then the output layer) or a plugin
 * head such as `wake-word` / `wake-word:64:32`.
 */
export function parseHead(value: string): HeadSpec {
  if (value === "output") return { kind: "output" };
  const items = value.split(",").map((s) => s.trim());
  if (items.every((item) => /^dense:\d+$/.test(item))) {
    const units = items.map((item) => Number(item.slice("dense:".length)));
    if (units.some((u) => u < 1))
      throw new InvalidArgumentError(`dense layers need ≥ 1 unit, got "${value}".`);
    return { kind: "dense", units };
  }
  const plugin = /^([a-z][a-z-]*)((?::\d+)*)$/.exec(value);
  if (plugin && plugin[1] !== "dense") {
    return {
      kind: "plugin",
      name: plugin[1] as string,
      units: (plugin[2] ?? "").split(":").filter(Boolean).map(Number),
    };
  }
  throw new InvalidArgumentError(
    `expected "output", "dense:64,dense:32" or a plugin head such as "wake-word:64:32", got "${value}".`,
  );
}

/** Builds the head factory of a `--head` spec. */
export function headFactory(
  spec: HeadSpec,
  plugin: CliPlugin,
  options: { dropout: number; normalization: "none" | "batch" | "layer" },
): HeadFactory {
  if (spec.kind === "output") return outputHead({ dropout: options.dropout });
  if (spec.kind === "dense")
    return denseHead({
      units: spec.units,
      dropout: options.dropout,
      normalization: options.normalization,
    });
  const head = plugin.head?.(spec.name, spec.units, options.dropout);
  if (!head)
    throw new UsageError(
      `the ${plugin.plugin.name} plugin has no "${spec.name}" head.`,
      "use --head output, --head dense:64,dense:32" +
        (plugin.headHint ? ` or ${plugin.headHint}` : ""),
    );
  return head;
}

/** Commander parser of `--pooling`. */
export function parsePooling(value: string): "auto" | Pooling {
  if (value === "auto" || value === "none" || value === "avg" || value === "max" || value === "avg+max")
    return value;
  throw new InvalidArgumentError(`expected auto, none, avg, max or avg+max, got "${value}".`);
}

/** Commander parser of the explorer's `--poolings avg,max,avg+max`. */
export function parsePoolings(value: string): CandidatePooling[] {
  const list = value.split(",").map((v) => v.trim());
  for (const v of list)
    if (v !== "avg" && v !== "max" && v !== "avg+max")
      throw new InvalidArgumentError(
        `expected a comma-separated list of avg, max, avg+max, got "${v}" in "${value}".`,
      );
  return list as CandidatePooling[];
}

/** Commander parser of `--cut` that also takes `auto` (run the cut-point explorer). */
export function parseCutOrAuto(value: string): NonNullable<CutSpec> | "auto" {
  return value === "auto" ? "auto" : parseCut(value);
}

/** Commander parser of a choice among `choices`. */
export function choice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got "${value}".`);
  };
}
