import type { ExploredCandidate } from "@graft/core";
import { exploreCuts, pretrainedMobileNetV2Model } from "@graft/vision";
import type { CutExploration, MilPooling } from "@graft/vision";

import type { RadiographData } from "./radiograph-data.js";

/**
 * Runs vision's cut-point explorer on the training radiographs with the full
 * pre-trained MobileNetV2 at `size` px: one backbone pass, then a
 * cross-validated probe per (cut, pooling) and, with `milHead`, a
 * cross-validated MIL head per cut on its unpooled map (30 epochs per fold,
 * half the example's 60, to keep the table quick). Only the training images
 * are seen; the held-out test set plays no part in the choice.
 */
export async function exploreRadiographCuts(
  train: RadiographData,
  size: number,
  seed: number,
  milHead?: { pooling: MilPooling; units: number },
): Promise<CutExploration> {
  const full = await pretrainedMobileNetV2Model({ inputSize: size });
  try {
    return await exploreCuts(full, train.data, {
      seed,
      ...(milHead ? { milHead: { head: milHead, epochs: 30 } } : {}),
    });
  } finally {
    full.dispose();
  }
}

/** The explorer's ranking as a fixed-width table, best first. */
export function explorationTable(exploration: CutExploration): string[] {
  const header = `${"cut".padEnd(22)} ${"pooling".padEnd(8)} ${"features".padStart(8)}   CV AUC ± spread   seconds`;
  const row = (c: ExploredCandidate) =>
    `${c.cut.padEnd(22)} ${c.pooling.padEnd(8)} ${String(c.size).padStart(8)}   ${c.auc.mean.toFixed(3)} ± ${c.auc.std.toFixed(3)}    ${c.seconds.toFixed(1).padStart(7)}`;
  return [header, ...exploration.ranked.map(row)];
}

/** The explorer's pick (among the MIL rows only, with `milOnly`), or an error when it ranked nothing. */
export function recommended(exploration: CutExploration, milOnly = false): ExploredCandidate {
  const best = exploration.ranked.find((c) => !milOnly || c.pooling === "mil");
  if (!best) throw new Error("explorer: no candidate was ranked (no cuts or poolings given).");
  return best;
}
