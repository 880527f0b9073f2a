import {
  exploreCutMaps,
  exploreFeatures,
  multiCutMaps,
  type Dataset,
  type ExploredCandidate,
  type ExploreOptions,
} from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import { crossValidateMilHead, type MilCrossValidationOptions } from "./cross-validate-mil.js";
import { multiCutFeatures, type CandidatePooling } from "./multi-cut-features.js";

/**
 * MobileNetV2's candidate cuts, shallow to deep: the expanded inputs of
 * blocks 3, 6, 10 and 13 (56², 28², 14², 14² at 224 px) and `out_relu` (7²).
 * Earlier maps are finer, so a small local finding survives in them.
 */
export const MOBILENET_V2_CUTS: readonly string[] = [
  "block_3_expand_relu",
  "block_6_expand_relu",
  "block_10_expand_relu",
  "block_13_expand_relu",
  "out_relu",
];

/** Options of {@link exploreCuts}. */
export interface ExploreCutsOptions extends Omit<ExploreOptions, "classes"> {
  /** @default {@link MOBILENET_V2_CUTS} */
  cuts?: readonly string[];
  /** @default ["avg", "max", "avg+max"] */
  poolings?: readonly CandidatePooling[];
  /**
   * Also cross-validate a spatial MIL head on each cut's unpooled map (same
   * folds as the probes), ranked with them as pooling `"mil"`. Keeps every
   * image's maps in memory during the exploration (n × h × w × c floats per cut).
   */
  milHead?: boolean | Omit<MilCrossValidationOptions, "folds" | "seed">;
  /** Images per backbone pass. @default 16 */
  batchSize?: number;
  onBatch?: (done: number, total: number) => void;
}

/** What {@link exploreCuts} found, best first. */
export interface CutExploration {
  readonly ranked: readonly ExploredCandidate[];
  /** Seconds of the single backbone pass over the images. */
  readonly featureSeconds: number;
  readonly images: number;
}

/**
 * The cut-point and pooling explorer: one backbone pass over `data` gives the
 * features of every (cut, pooling) candidate, then a softmax probe is
 * cross-validated on each (same stratified folds for all) and they are
 * ranked by mean AUC; with `milHead`, a MIL head per cut joins the ranking.
 * `data.labels` must be class indices.
 */
export async function exploreCuts(
  model: tf.LayersModel,
  data: Dataset,
  {
    cuts = MOBILENET_V2_CUTS,
    poolings = ["avg", "max", "avg+max"],
    milHead,
    batchSize,
    onBatch,
    ...options
  }: ExploreCutsOptions = {},
): Promise<CutExploration> {
  const labels = data.labels as readonly number[];
  const pass = { cuts, ...(batchSize ? { batchSize } : {}), ...(onBatch ? { onBatch } : {}) };
  const started = performance.now();
  if (!milHead) {
    const candidates = await multiCutFeatures(model, data, { ...pass, poolings });
    const featureSeconds = (performance.now() - started) / 1000;
    try {
      return {
        ranked: exploreFeatures(candidates, labels, options),
        featureSeconds,
        images: data.size,
      };
    } finally {
      for (const c of candidates) c.features.dispose();
    }
  }
  // One pass keeps the maps; the pooled candidates are pooled from them.
  const maps = await multiCutMaps(model, data, pass);
  const featureSeconds = (performance.now() - started) / 1000;
  const mil = milHead === true ? {} : milHead;
  try {
    const ranked = await exploreCutMaps(maps, labels, {
      ...options,
      poolings,
      head: {
        name: "mil",
        crossValidate: (m, l, folds) => crossValidateMilHead(m, l, { ...mil, ...folds }),
      },
    });
    return { ranked, featureSeconds, images: data.size };
  } finally {
    for (const m of maps) m.maps.dispose();
  }
}
