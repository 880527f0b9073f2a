import {
  featuresOf,
  randomlyInitialised,
  rawInputs,
  type Backbone,
  type Dataset,
} from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import type { CommandContext } from "../io.js";
import { fmt } from "../progress.js";
import {
  probeSplit,
  subsetOf,
  trainHeadOn,
  type ArmResult,
  type ProbeOptions,
} from "./probe.js";
import type { RuleResult } from "./types.js";

/** Test accuracy A's features must gain over the best baseline to count as helping. */
export const MIN_GAIN = 0.05;
/** Gain from 50 % to 100 % of B above which more B data would still help. */
export const CURVE_SLOPE = 0.03;
export const CURVE_FRACTIONS = [0.1, 0.25, 0.5, 1] as const;

/**
 * Rule 3: on a fixed split of B, the same head on (a) A's frozen features,
 * (b) a randomly initialised copy of the backbone, (c) the raw inputs; plus a
 * learning curve on A's features (10/25/50/100 % of B's training part).
 */
export async function featuresRule(
  context: CommandContext,
  backbone: Backbone,
  data: Dataset,
  labels: readonly number[],
  options: ProbeOptions,
): Promise<RuleResult> {
  const { train, test } = probeSplit(labels, options);
  const random = await randomlyInitialised(backbone.model);
  const arms: [ArmResult["name"], (x: tf.Tensor) => tf.Tensor][] = [
    ["A features", (x) => backbone.model.predict(x) as tf.Tensor],
    ["random backbone", (x) => random.predict(x) as tf.Tensor],
    ["raw inputs", rawInputs],
  ];
  const results: ArmResult[] = [];
  let curve: { fraction: number; examples: number; accuracy: number }[] = [];
  try {
    for (const [name, map] of arms) {
      context.log(`advise: training the head on ${name}…`);
      const features = await featuresOf(data, map);
      try {
        const r = await trainHeadOn(features, labels, train, test, options);
        results.push({ name, features: features.shape[1], ...r });
        if (name === "A features") {
          curve = [];
          for (const fraction of CURVE_FRACTIONS) {
            const ids = subsetOf(train, labels, fraction, options.seed);
            const point =
              fraction === 1 ? r : await trainHeadOn(features, labels, ids, test, options);
            curve.push({ fraction, examples: ids.length, accuracy: point.accuracy });
          }
        }
      } finally {
        features.dispose();
      }
    }
  } finally {
    random.dispose();
  }
  const [a, rnd, raw] = results as [ArmResult, ArmResult, ArmResult];
  const best = rnd.accuracy >= raw.accuracy ? rnd : raw;
  const gain = a.accuracy - best.accuracy;
  const half = curve.find((p) => p.fraction === 0.5)?.accuracy ?? a.accuracy;
  const slope = a.accuracy - half;
  const moreData =
    slope >= CURVE_SLOPE
      ? `still rising (+${fmt(slope)} from 50 % to 100 %): more B data would help`
      : `flat from 50 % to 100 % (${slope >= 0 ? "+" : ""}${fmt(slope)}): more B data of this kind would help little`;
  const status = gain >= MIN_GAIN ? "pass" : "fail";
  return {
    rule: 3,
    title: "A's features help B",
    status,
    summary: `test accuracy on ${test.length} held-out B examples (head trained on ${train.length}): A features ${fmt(a.accuracy)}, random backbone ${fmt(rnd.accuracy)}, raw inputs ${fmt(raw.accuracy)} → ${gain >= 0 ? "+" : ""}${fmt(gain)} over ${best.name} (needs ≥ +${MIN_GAIN})`,
    details: {
      train: train.length,
      test: test.length,
      arms: results,
      gain,
      learningCurve: curve,
      learningCurveNote: moreData,
    },
  };
}
