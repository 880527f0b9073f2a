import type * as tf from "@tensorflow/tfjs";

import type { CrossValidation } from "./cross-validate.js";
import {
  exploreFeatures,
  rankCandidates,
  type ExploredCandidate,
  type ExploreOptions,
} from "./explore.js";
import { poolMap, type CandidatePooling, type CutMaps } from "./multi-cut-features.js";

/** A head that reads a whole map, cross-validated on every spatial cut beside the pooled probes. */
export interface MapHead {
  /** Its name in the ranking's `pooling` column, e.g. `mil`. */
  readonly name: string;
  /** k-fold CV on `[n, height, width, channels]` maps; the same `folds` and `seed` as the probes give the same folds. */
  crossValidate(
    maps: tf.Tensor4D,
    labels: readonly number[],
    options: { readonly folds: number; readonly seed: number },
  ): Promise<CrossValidation>;
}

/** Options of {@link exploreCutMaps}. */
export interface ExploreMapsOptions extends ExploreOptions {
  /** @default ["avg", "max", "avg+max"] */
  poolings?: readonly CandidatePooling[];
  /** Also cross-validated on every cut with a 2-D map. */
  head?: MapHead;
}

/**
 * The explorer on whole maps (from `multiCutMaps`): every (cut, pooling) gets
 * a cross-validated probe as in {@link exploreFeatures}, and `head`, when
 * given, is cross-validated on each cut's unpooled map with the same folds;
 * all are ranked together, best first. The caller keeps owning `maps`.
 */
export async function exploreCutMaps(
  maps: readonly CutMaps[],
  labels: readonly number[],
  { poolings = ["avg", "max", "avg+max"], head, onCandidate, ...options }: ExploreMapsOptions = {},
): Promise<ExploredCandidate[]> {
  const pooled = maps.flatMap(({ cut, maps: m }) =>
    poolings.map((pooling) => ({ cut, pooling, features: poolMap(m, pooling) })),
  );
  const spatial = head ? maps.filter((m) => m.maps.rank === 4) : [];
  const total = pooled.length + spatial.length;
  try {
    const probes = exploreFeatures(pooled, labels, {
      ...options,
      ...(onCandidate ? { onCandidate: (r, done) => onCandidate(r, done, total) } : {}),
    });
    const heads: ExploredCandidate[] = [];
    for (const { cut, maps: m } of spatial) {
      const started = performance.now();
      const cv = await (head as MapHead).crossValidate(m as tf.Tensor4D, labels, {
        folds: options.folds ?? 5,
        seed: options.seed ?? 0,
      });
      const result: ExploredCandidate = {
        ...cv,
        cut,
        pooling: (head as MapHead).name,
        size: m.shape[3] as number,
        seconds: (performance.now() - started) / 1000,
      };
      heads.push(result);
      onCandidate?.(result, probes.length + heads.length, total);
    }
    return rankCandidates([...probes, ...heads]);
  } finally {
    for (const c of pooled) c.features.dispose();
  }
}
