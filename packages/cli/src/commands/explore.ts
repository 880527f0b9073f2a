import { Command } from "commander";

import { taskFor } from "../data.js";
import { UsageError } from "../errors.js";
import { exploreSource, recommendation, type Exploration } from "../explore/explore-source.js";
import type { CommandContext } from "../io.js";
import { parseCut, parsePoolings, positiveInt } from "../options.js";
import type { CutSpec } from "../plugins/types.js";
import type { Runner } from "../program.js";
import { table } from "../table.js";
import type { CandidatePooling } from "@graft/core";

interface ExploreFlags {
  from?: string;
  backbone?: string;
  cut?: CutSpec;
  cuts?: string[];
  poolings: CandidatePooling[];
  folds: number;
  seed: number;
  plugin?: string;
  inputSize?: number;
  positive?: string;
  head?: string;
  json?: boolean;
}

/**
 * `graft explore <data>`: which cut point and pooling of a source serve task B
 * best. Its own command rather than `advise --explore`: advise answers "transfer
 * or not" on one fixed split in seconds, explore ranks many candidates by k-fold
 * cross-validation and its answer feeds `transfer --cut auto`.
 */
export function exploreCommand(run: Runner): Command {
  return new Command("explore")
    .description(
      "rank the source's cut points × poolings for task B: one backbone pass reads features at every candidate cut, k-fold cross-validated linear heads score each; prints a table and a recommendation",
    )
    .argument("<data>", "task-B data: folder of class sub-folders, or a .csv/.jsonl manifest")
    .option(
      "--from <model>",
      "source: graft model dir, a TF.js Layers model dir / model.json, or an ONNX file (.onnx)",
    )
    .option("--backbone <name>", "built-in source instead of --from: nsfwjs-mobilenetv2")
    .option(
      "--cut <layer>",
      "deepest layer kept before exploring (default: the source's feature layer)",
      parseCut,
    )
    .option(
      "--cuts <layers>",
      "comma-separated cuts to try (default: the plugin's candidates, else 5 evenly spaced layers)",
      (v: string) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
    )
    .option("--poolings <list>", "poolings to try", parsePoolings, ["avg", "max", "avg+max"])
    .option("--folds <k>", "cross-validation folds", positiveInt, 5)
    .option("--seed <n>", "seed of the folds and the heads", positiveInt, 1)
    .option("--plugin <name>", "plugin of the B data (default: from its file types)")
    .option("--input-size <px>", "vision: rebuild a resizable source at this side", positiveInt)
    .option("--positive <label>", "positive class when B has two classes")
    .option(
      "--head <name>",
      "also cross-validate this plugin head on every cut's unpooled map (images: mil, mil-max, mil-topk)",
    )
    .option("--json", "print the results as JSON")
    .option("-q, --quiet", "no log lines")
    .addHelpText(
      "after",
      "\nExamples:\n  graft explore data/xrays --backbone nsfwjs-mobilenetv2 --input-size 224\n  graft explore data/xrays --from models/task-a --cuts conv_1,conv_2 --json\n  graft explore data/xrays --backbone nsfwjs-mobilenetv2 --input-size 96 --head mil\n  graft transfer data/xrays --backbone nsfwjs-mobilenetv2 --cut auto --out models/xray\n",
    )
    .action(
      run(async (context, data: string, flags: ExploreFlags) =>
        print(context, await explore(context, data, flags), flags),
      ),
    );
}

async function explore(
  context: CommandContext,
  data: string,
  flags: ExploreFlags,
): Promise<Exploration> {
  if (!flags.from && !flags.backbone)
    throw new UsageError(
      "explore needs a source model.",
      "pass --from <model> or --backbone nsfwjs-mobilenetv2",
    );
  return exploreSource(
    context,
    data,
    (labelled) => taskFor(labelled, "auto", flags.positive).labels,
    {
      ...(flags.from ? { from: flags.from } : {}),
      ...(flags.backbone ? { backbone: flags.backbone } : {}),
      cut: flags.cut,
      ...(flags.plugin ? { plugin: flags.plugin } : {}),
      pluginOptions: flags.inputSize ? { inputSize: flags.inputSize } : {},
    },
    {
      ...(flags.cuts ? { cuts: flags.cuts } : {}),
      poolings: flags.poolings,
      folds: flags.folds,
      seed: flags.seed,
      ...(flags.head ? { head: { name: flags.head, required: true } } : {}),
    },
  );
}

/** The explorer's results as table rows, best first. */
export function explorationRows(exploration: Exploration): string[][] {
  const pm = (s: { mean: number; std: number }) => `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}`;
  return exploration.ranked.map((r) => [
    r.cut,
    r.pooling,
    String(r.size),
    pm(r.accuracy),
    pm(r.auc),
    r.seconds.toFixed(1),
  ]);
}

/** Prints the table and the recommendation (or JSON). */
export function printExploration(context: CommandContext, exploration: Exploration): void {
  context.out(
    table(
      ["cut", "pooling", "features", "CV accuracy", "CV AUC", "seconds"],
      explorationRows(exploration),
    ),
  );
  context.out(
    `${exploration.folds}-fold CV on ${exploration.examples} examples; features from one backbone pass in ${exploration.featureSeconds.toFixed(1)} s (cuts: ${exploration.cutsFrom}); total ${exploration.seconds.toFixed(1)} s`,
  );
  context.out(
    "fine-tuning estimate: not measured by explore (a cross-validated fine-tune of the trunk does not fit its time budget); try graft transfer --cut auto --unfreeze top:N --fine-tune-epochs E --patience P",
  );
  context.out(recommendation(exploration));
}

function print(context: CommandContext, exploration: Exploration, flags: ExploreFlags): void {
  if (!flags.json) {
    printExploration(context, exploration);
    return;
  }
  const [best] = exploration.ranked;
  context.out(
    JSON.stringify(
      {
        ...exploration,
        ranked: exploration.ranked.map(({ perFold: _perFold, ...r }) => r),
        recommended: best ? { cut: best.cut, pooling: best.pooling } : null,
        fineTuning: "not measured",
      },
      null,
      2,
    ),
  );
}
