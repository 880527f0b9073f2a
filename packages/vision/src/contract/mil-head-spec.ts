import { ConfigError } from "@graft/core";
import type { HeadFactory, MapHead } from "@graft/core";

import { crossValidateMilHead } from "../explore/cross-validate-mil.js";
import { spatialMilHead } from "../heads/spatial-mil-head.js";
import type { MilPooling } from "../heads/mil-pooling.js";

/** `--head` names of the spatial multiple-instance head, and the pooling each asks for. */
const MIL_POOLINGS: Readonly<Record<string, MilPooling>> = {
  mil: "lse",
  "mil-max": "max",
  "mil-topk": "topk",
};

/** How to ask for the MIL head, for help texts. */
export const MIL_HEAD_HINT = "--head mil (or mil:8, mil-max, mil-topk) on an unpooled cut";

/**
 * The spatial MIL head as the CLI names it: `mil` (log-sum-exp over
 * locations), `mil-max`, `mil-topk`; `mil:8` adds 8 hidden 1×1 channels.
 * Undefined when `name` is not one of these. The factory refuses a pooled
 * cut in the CLI's words, since that is where the user can fix it.
 */
export function cliMilHead(
  name: string,
  units: readonly number[],
  dropout: number,
): HeadFactory | undefined {
  const pooling = MIL_POOLINGS[name];
  if (pooling === undefined) return undefined;
  if (units.length > 1)
    throw new ConfigError(
      `--head ${name} takes at most one hidden width (${name}:8), got ${name}:${units.join(":")}.`,
      { fix: `pass --head ${name}:${units[0] ?? 8}` },
    );
  const head = spatialMilHead({
    pooling,
    units: units[0] ?? 0,
    ...(dropout > 0 ? { dropout } : {}),
  });
  return (context) => {
    if (context.featureShape.length !== 3)
      throw new ConfigError(
        `--head ${name} scores every location of a feature map [height, width, channels], but the cut gives pooled features [${context.featureShape.join(", ")}].`,
        {
          fix: "drop --pooling (or pass --pooling none) so the cut keeps its map, and cut at a layer with a map, e.g. --cut block_6_expand_relu",
        },
      );
    return head(context);
  };
}

/**
 * The MIL head named `name` as the cut-point explorer cross-validates it (its
 * default width, 30 epochs per fold), or undefined for other names.
 */
export function milMapHead(name: string): MapHead | undefined {
  const pooling = MIL_POOLINGS[name];
  if (pooling === undefined) return undefined;
  return {
    name,
    crossValidate: (maps, labels, folds) =>
      crossValidateMilHead(maps, labels, { head: { pooling }, epochs: 30, ...folds }),
  };
}
