import type * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import {
  crossValidateProbe,
  type CrossValidateOptions,
  type CrossValidation,
} from "./cross-validate.js";

/** One candidate feature set: features of every example taken at one cut with one pooling. */
export interface FeatureCandidate {
  /** Layer the features were taken at, e.g. `block_6_expand_relu`. */
  readonly cut: string;
  /** How the feature map was pooled, e.g. `avg`, `max`, `avg+max`. */
  readonly pooling: string;
  /** `[n, d]`, one row per example; owned by the caller. */
  readonly features: tf.Tensor2D;
}

/** A candidate scored by cross-validation. */
export interface ExploredCandidate extends CrossValidation {
  readonly cut: string;
  readonly pooling: string;
  /** Features per example (d). */
  readonly size: number;
  /** Seconds spent cross-validating this candidate. */
  readonly seconds: number;
}

/** Options of {@link exploreFeatures}. */
export interface ExploreOptions extends CrossValidateOptions {
  /** Called after each candidate is scored. */
  onCandidate?: (result: ExploredCandidate, done: number, total: number) => void;
}

/**
 * Cross-validates a softmax probe on each candidate feature set and returns
 * them best first: by mean AUC, then mean accuracy, then the smaller feature
 * size (cheaper heads win ties). Every candidate sees the same folds.
 */
export function exploreFeatures(
  candidates: readonly FeatureCandidate[],
  labels: readonly number[],
  { onCandidate, ...options }: ExploreOptions = {},
): ExploredCandidate[] {
  if (candidates.length === 0) {
    throw new ConfigError(
      "exploreFeatures: expected at least one candidate feature set, got none.",
      {
        fix: "pass the features of one or more (cut, pooling) pairs",
      },
    );
  }
  const results: ExploredCandidate[] = [];
  for (const c of candidates) {
    const started = performance.now();
    const cv = crossValidateProbe(c.features, labels, options);
    const result: ExploredCandidate = {
      ...cv,
      cut: c.cut,
      pooling: c.pooling,
      size: c.features.shape[1],
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    onCandidate?.(result, results.length, candidates.length);
  }
  return rankCandidates(results);
}

/** Best first: mean AUC, then mean accuracy, then fewer features. */
export function rankCandidates(results: readonly ExploredCandidate[]): ExploredCandidate[] {
  return [...results].sort(
    (a, b) => b.auc.mean - a.auc.mean || b.accuracy.mean - a.accuracy.mean || a.size - b.size,
  );
}
