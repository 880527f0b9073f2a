import {
  evenlySpacedCuts,
  exploreFeatures,
  multiCutFeatures,
  type CandidatePooling,
  type ExploredCandidate,
} from "@graft/core";

import { UsageError } from "../errors.js";
import type { CommandContext } from "../io.js";
import type { LabelledInputs } from "../plugins/types.js";
import { fmt, stepProgress } from "../progress.js";
import { resolveSource, type SourceOptions } from "../source.js";

/** What the cut-point explorer measured. */
export interface Exploration {
  /** Candidates best first (mean CV AUC, then accuracy, then fewer features). */
  readonly ranked: readonly ExploredCandidate[];
  readonly examples: number;
  readonly folds: number;
  /** Seconds of the single backbone pass that fed every candidate. */
  readonly featureSeconds: number;
  /** Seconds of the whole exploration. */
  readonly seconds: number;
  /** Where the candidate cuts came from. */
  readonly cutsFrom: "flag" | "plugin" | "evenly spaced";
  /** The plugin's heads that read an unpooled map (its `unpooledHeads`). */
  readonly unpooledHeads: readonly string[];
}

/** Options of {@link exploreSource}. */
export interface ExploreSourceOptions {
  /** Cuts to try; default: the plugin's candidates, else evenly spaced layers. */
  readonly cuts?: readonly string[];
  readonly poolings: readonly CandidatePooling[];
  readonly folds: number;
  readonly seed: number;
}

/**
 * Loads the source uncut past its feature layer (no pooling), reads the
 * features of every example at each candidate cut in one backbone pass,
 * then ranks every (cut, pooling) by k-fold cross-validated softmax probes.
 */
export async function exploreSource(
  context: CommandContext,
  dataPath: string,
  labelsOf: (data: LabelledInputs) => number[],
  source: Omit<SourceOptions, "pooling">,
  options: ExploreSourceOptions,
): Promise<Exploration> {
  const started = performance.now();
  const resolved = await resolveSource({ ...source, pooling: "none" });
  try {
    const data = await resolved.plugin.readLabelled(dataPath);
    const labels = labelsOf(data);
    const model = resolved.backbone.model;
    const fromPlugin = options.cuts ? undefined : resolved.plugin.candidateCuts?.(model);
    const cuts = options.cuts ?? fromPlugin ?? evenlySpacedCuts(model);
    if (cuts.length === 0)
      throw new UsageError(
        `the source has no layer with a feature map to pool (layers: ${model.layers.map((l) => l.name).join(", ")}).`,
        "pass --cuts <layer,...> with layers whose outputs are [batch, h, w, c] or [batch, steps, c]",
      );
    const smallest = Math.min(
      ...[...new Set(labels)].map((c) => labels.filter((l) => l === c).length),
    );
    const folds = Math.min(options.folds, smallest);
    if (folds < 2)
      throw new UsageError(
        `cross-validation needs at least 2 examples of every class; the rarest class has ${smallest}.`,
        "add examples of the rarest class",
      );
    const dataset = await resolved.plugin.dataset(data.inputs, labels, resolved.preprocessor);
    const progress = stepProgress(context, "explore: features", dataset.size);
    context.log(
      `explore: one backbone pass over ${dataset.size} ${resolved.plugin.inputsInWords} for ${cuts.length} cuts × ${options.poolings.length} poolings`,
    );
    const featuresStarted = performance.now();
    let candidates;
    try {
      candidates = await multiCutFeatures(model, dataset, {
        cuts,
        poolings: options.poolings,
        onBatch: (done) => progress.tick(done),
      });
    } finally {
      progress.done();
      dataset.dispose?.();
    }
    const featureSeconds = (performance.now() - featuresStarted) / 1000;
    try {
      const ranked = exploreFeatures(candidates, labels, {
        folds,
        seed: options.seed,
        onCandidate: (r, done, total) =>
          context.log(
            `explore: ${done}/${total} ${r.cut} ${r.pooling}: CV AUC ${fmt(r.auc.mean)} ± ${fmt(r.auc.std)}`,
          ),
      });
      return {
        ranked,
        examples: labels.length,
        folds,
        featureSeconds,
        seconds: (performance.now() - started) / 1000,
        cutsFrom: options.cuts ? "flag" : fromPlugin ? "plugin" : "evenly spaced",
        unpooledHeads: resolved.plugin.unpooledHeads ?? [],
      };
    } finally {
      for (const c of candidates) c.features.dispose();
    }
  } finally {
    resolved.backbone.model.dispose();
  }
}

/** The winner and why, in one line. */
export function recommendation(exploration: Exploration): string {
  const [best, second] = exploration.ranked as [ExploredCandidate, ExploredCandidate | undefined];
  const margin = second
    ? best.auc.mean - second.auc.mean <= best.auc.std
      ? `; ${second.cut} ${second.pooling} is within one spread (${fmt(second.auc.mean)}), so the choice is not sharp`
      : `, ahead of ${second.cut} ${second.pooling} (${fmt(second.auc.mean)}) by more than one spread`
    : "";
  return `recommended: --cut ${best.cut} --pooling ${best.pooling} (CV AUC ${fmt(best.auc.mean)} ± ${fmt(best.auc.std)}, accuracy ${fmt(best.accuracy.mean)}, ${exploration.folds}-fold on ${exploration.examples} examples${margin})`;
}
