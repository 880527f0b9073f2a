import { DataError } from "@graft/core";

import type { FeatureConfig, FeatureStats } from "./feature-config.js";
import { featureConfig, featureDepth } from "./feature-config.js";

// A band that never varies (e.g. always silent) would divide by zero.
const MIN_STD = 1e-3;

/**
 * Per-feature mean and standard deviation over every frame of `features`
 * (unnormalised outputs of `extractFeatures` with the same config). Fit on
 * training data only, then store with {@link withFeatureStats}.
 */
export function fitFeatureStats(features: readonly Float32Array[], config: FeatureConfig): FeatureStats {
  const depth = featureDepth(config);
  const sum = new Float64Array(depth);
  const sumSq = new Float64Array(depth);
  let rows = 0;
  for (const array of features) {
    if (array.length % depth !== 0) {
      throw new DataError(`fitFeatureStats: a feature array of ${array.length} values is not a whole number of ${depth}-value frames.`);
    }
    for (let i = 0; i < array.length; i++) {
      const v = array[i] as number;
      sum[i % depth] = (sum[i % depth] as number) + v;
      sumSq[i % depth] = (sumSq[i % depth] as number) + v * v;
    }
    rows += array.length / depth;
  }
  if (rows === 0) throw new DataError("fitFeatureStats: no frames to fit statistics on.");
  const mean = Array.from(sum, (s) => s / rows);
  const std = Array.from(sumSq, (s, d) => Math.max(MIN_STD, Math.sqrt(Math.max(0, s / rows - (mean[d] as number) ** 2))));
  return { mean, std };
}

/** A copy of `config` that normalises with `stats`. */
export function withFeatureStats(config: FeatureConfig, stats: FeatureStats): FeatureConfig {
  return featureConfig({ ...config, normalization: stats });
}
