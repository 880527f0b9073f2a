import {
  evenlySpacedCuts,
  exploreCutMaps,
  exploreFeatures,
  multiCutFeatures,
  multiCutMaps,
  type CandidatePooling,
  type CutMaps,
  type ExploredCandidate,
  type FeatureCandidate,
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
  /** The plugin head cross-validated on every cut's unpooled map beside the probes (its `pooling` in `ranked`). */
  readonly mapHead?: string;
}

/** Options of {@link exploreSource}. */
export interface ExploreSourceOptions {
  /** Cuts to try; default: the plugin's candidates, else evenly spaced layers. */
  readonly cuts?: readonly string[];
  readonly poolings: readonly CandidatePooling[];
  readonly folds: number;
  readonly seed: number;
  /**
   * A plugin head (`--head mil`) to cross-validate on every cut's unpooled
   * map as well; `required` makes a name that is not such a head an error
   * (else the exploration is the probes' alone).
   */
  readonly head?: { readonly name: string; readonly required: boolean };
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
    const mapHead = options.head ? resolved.plugin.mapHead?.(options.head.name) : undefined;
    if (options.head?.required && !mapHead)
      throw new UsageError(
        `--head ${options.head.name} is not a head of the ${resolved.plugin.plugin.name} plugin that reads whole feature maps, so explore has nothing to add to its pooled probes.`,
        `drop --head${resolved.plugin.headHint ? `, or pass ${resolved.plugin.headHint}` : ""}`,
      );
    const dataset = await resolved.plugin.dataset(data.inputs, labels, resolved.preprocessor);
    const progress = stepProgress(context, "explore: features", dataset.size);
    context.log(
      `explore: one backbone pass over ${dataset.size} ${resolved.plugin.inputsInWords} for ${cuts.length} cuts × ${options.poolings.length} poolings${mapHead ? ` and --head ${mapHead.name} on each cut's map` : ""}`,
    );
    const featuresStarted = performance.now();
    const read = { cuts, onBatch: (done: number) => progress.tick(done) };
    let candidates: FeatureCandidate[] = [];
    let maps: CutMaps[] = [];
    try {
      // A map head needs whole maps (the probes' features are then pooled from them).
      if (mapHead) maps = await multiCutMaps(model, dataset, read);
      else
        candidates = await multiCutFeatures(model, dataset, {
          ...read,
          poolings: options.poolings,
        });
    } finally {
      progress.done();
      dataset.dispose?.();
    }
    const featureSeconds = (performance.now() - featuresStarted) / 1000;
    const onCandidate = (r: ExploredCandidate, done: number, total: number) =>
      context.log(
        `explore: ${done}/${total} ${r.cut} ${r.pooling}: CV AUC ${fmt(r.auc.mean)} ± ${fmt(r.auc.std)}`,
      );
    try {
      const ranked = mapHead
        ? await exploreCutMaps(maps, labels, {
            folds,
            seed: options.seed,
            poolings: options.poolings,
            head: mapHead,
            onCandidate,
          })
        : exploreFeatures(candidates, labels, { folds, seed: options.seed, onCandidate });
      return {
        ranked,
        examples: labels.length,
        folds,
        featureSeconds,
        seconds: (performance.now() - started) / 1000,
        cutsFrom: options.cuts ? "flag" : fromPlugin ? "plugin" : "evenly spaced",
        ...(mapHead ? { mapHead: mapHead.name } : {}),
      };
    } finally {
      for (const c of candidates) c.features.dispose();
      for (const m of maps) m.maps.dispose();
    }
  } finally {
    resolved.backbone.model.dispose();
  }
}

/** The flags that ask for a candidate: `--cut X --pooling P`, or `--cut X --head H` for a map head. */
export function candidateFlags(candidate: ExploredCandidate, exploration: Exploration): string {
  return candidate.pooling === exploration.mapHead
    ? `--cut ${candidate.cut} --head ${candidate.pooling}`
    : `--cut ${candidate.cut} --pooling ${candidate.pooling}`;
}

/** The winner and why, in one line. */
export function recommendation(exploration: Exploration): string {
  const [best, second] = exploration.ranked as [ExploredCandidate, ExploredCandidate | undefined];
  const margin = second
    ? best.auc.mean - second.auc.mean <= best.auc.std
      ? `; ${second.cut} ${second.pooling} is within one spread (${fmt(second.auc.mean)}), so the choice is not sharp`
      : `, ahead of ${second.cut} ${second.pooling} (${fmt(second.auc.mean)}) by more than one spread`
    : "";
  return `recommended: ${candidateFlags(best, exploration)} (CV AUC ${fmt(best.auc.mean)} ± ${fmt(best.auc.std)}, accuracy ${fmt(best.accuracy.mean)}, ${exploration.folds}-fold on ${exploration.examples} examples${margin})`;
}
