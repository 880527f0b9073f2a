import type { FreezePolicy, Json, Pooling } from "@graft/core";
import { Command } from "commander";

import { taskFor } from "../data.js";
import { exploreSource, recommendation } from "../explore/explore-source.js";
import { headFactory, parseCutOrAuto, parsePooling, positiveInt } from "../options.js";
import type { CutSpec, LabelledInputs } from "../plugins/types.js";
import { UsageError } from "../errors.js";
import type { Runner } from "../program.js";
import { fmt } from "../progress.js";
import { resolveSource } from "../source.js";
import { runTraining } from "../train-run.js";
import {
  addScheduleOptions,
  addTrainingOptions,
  pluginOptions,
  runSettings,
  schedule,
  type TrainingFlags,
} from "./training-options.js";

interface TransferFlags extends TrainingFlags {
  from?: string;
  backbone?: string;
  cut?: CutSpec | "auto";
  pooling: "auto" | Pooling;
  freeze: FreezePolicy;
  unfreeze?: FreezePolicy;
  fineTuneEpochs?: number;
  lrMult?: number;
  fineTuneLr?: number;
  sourceTask?: string;
  sourceExamples?: number;
}

/** `graft transfer <data>`: cut a trained model, add a new head, train on task B, save. */
export function transferCommand(run: Runner): Command {
  const command = new Command("transfer")
    .description(
      "cut a trained model (graft model dir, TF.js Layers model.json, ONNX file, or a built-in backbone), put a new head on it, train on task-B data, and save",
    )
    .argument("<data>", "task-B data folder (one sub-folder per class) or manifest (.csv / .jsonl)")
    .option(
      "--from <model>",
      "source: a directory saved by graft, a TF.js Layers model directory / model.json (Keras-converted included), or an ONNX model file (.onnx)",
    )
    .option(
      "--backbone <name>",
      "built-in pre-trained source instead of --from: nsfwjs-mobilenetv2, speech-embedding",
    )
    .option(
      "--cut <layer>",
      "last layer kept: a layer name, last:N to drop the last N layers, or auto to run the cut-point explorer (graft explore) and use its winner with its pooling (default: the source's feature layer, or last:1)",
      parseCutOrAuto,
    )
    .option(
      "--pooling <kind>",
      "global pooling after the cut: auto (avg when the cut leaves a feature map, or the explorer's choice with --cut auto), avg, max, avg+max, none",
      parsePooling,
      "auto",
    )
    .option(
      "--source-task <text>",
      "plain model.json and .onnx sources: what task A was (recorded as provenance)",
    )
    .option(
      "--source-examples <n>",
      "plain model.json and .onnx sources: examples task A was trained on (m_A)",
      positiveInt,
    );
  addTrainingOptions(command, { head: "output", epochs: 10 });
  addScheduleOptions(command);
  command.addHelpText(
    "after",
    "\nExamples:\n  graft transfer data/xrays --from models/task-a --head dense:64 --out models/xray\n  graft transfer data/xrays --backbone nsfwjs-mobilenetv2 --head dense:64,dense:64 --unfreeze top:2 --fine-tune-epochs 5 --lr-mult 0.1 --out models/xray\n  graft transfer data/wake --backbone speech-embedding --head wake-word --out models/wake\n",
  );
  return command.action(
    run(async (context, data: string, flags: TransferFlags) => {
      const base = {
        ...(flags.from ? { from: flags.from } : {}),
        ...(flags.backbone ? { backbone: flags.backbone } : {}),
        ...(flags.plugin ? { plugin: flags.plugin } : {}),
        ...(flags.sourceTask ? { sourceTask: flags.sourceTask } : {}),
        ...(flags.sourceExamples ? { sourceExamples: flags.sourceExamples } : {}),
        ...(flags.head.kind === "plugin" ? { pluginHead: flags.head.name } : {}),
        pluginOptions: pluginOptions(flags),
      };
      const chosen = flags.cut === "auto" ? await autoCut(context, data, flags, base) : undefined;
      const source = await resolveSource({
        ...base,
        cut: chosen ? { at: chosen.cut } : (flags.cut as CutSpec),
        pooling: chosen ? chosen.pooling : flags.pooling,
      });
      try {
        context.log(
          `source: ${source.description}; cut at ${source.backbone.provenance.cutAt ?? "?"} (features [${source.backbone.featureShape.join(", ")}])`,
        );
        const labelled = await source.plugin.readLabelled(data);
        await runTraining(context, {
          command: "transfer",
          dataPath: data,
          data: labelled,
          out: flags.out,
          plugin: source.plugin,
          preprocessor: source.preprocessor,
          backbone: source.backbone,
          head: headFactory(flags.head, source.plugin, {
            dropout: flags.dropout,
            normalization: flags.headNorm,
          }),
          headText: JSON.stringify(flags.head),
          freeze: flags.freeze,
          phases: schedule(flags, { name: "head", freeze: flags.freeze }),
          ...runSettings(flags),
          source: source.description,
          ...(chosen ? { explore: chosen.record } : {}),
        });
      } catch (error) {
        // runTraining disposes the model it built; free the backbone if it failed before that.
        try {
          source.backbone.model.dispose();
        } catch {
          // already disposed
        }
        throw error;
      }
    }),
  );
}

/** `--cut auto`: explores the source's cuts and poolings on the data and returns the winner. */
async function autoCut(
  context: Parameters<Parameters<Runner>[0]>[0],
  data: string,
  flags: TransferFlags,
  base: Omit<Parameters<typeof resolveSource>[0], "cut" | "pooling">,
): Promise<{ cut: string; pooling: Pooling; record: Json }> {
  if (flags.pooling !== "auto")
    throw new UsageError(
      `--cut auto chooses the pooling too, so --pooling ${flags.pooling} cannot apply.`,
      "drop --pooling, or pick the cut yourself with --cut <layer>",
    );
  const labelsOf = (labelled: LabelledInputs) =>
    taskFor(labelled, flags.task, flags.positive).labels;
  const headName = flags.head.kind === "plugin" ? flags.head.name : undefined;
  const exploration = await exploreSource(context, data, labelsOf, base, {
    poolings: ["avg", "max", "avg+max"],
    folds: 5,
    seed: flags.seed,
    ...(headName ? { head: { name: headName, required: false } } : {}),
  });
  // A head that reads whole maps takes the cut where it cross-validated best, unpooled.
  const mapHead = exploration.mapHead;
  const best = exploration.ranked.find((r) => mapHead === undefined || r.pooling === mapHead);
  if (!best) throw new UsageError("the cut-point explorer found no candidate cut.");
  context.log(
    mapHead
      ? `transfer: --cut auto chose ${best.cut} for --head ${mapHead} (CV AUC ${fmt(best.auc.mean)} ± ${fmt(best.auc.std)} on its unpooled map, ${exploration.folds}-fold on ${exploration.examples} examples)`
      : `transfer: --cut auto chose ${best.cut} with ${best.pooling} pooling; ${recommendation(exploration)}`,
  );
  return {
    cut: best.cut,
    pooling: mapHead ? "none" : (best.pooling as Pooling),
    record: {
      cut: best.cut,
      pooling: best.pooling,
      folds: exploration.folds,
      examples: exploration.examples,
      cvAuc: best.auc.mean,
      cvAucStd: best.auc.std,
      cvAccuracy: best.accuracy.mean,
      candidates: exploration.ranked.map((r) => ({
        cut: r.cut,
        pooling: r.pooling,
        features: r.size,
        cvAuc: r.auc.mean,
        cvAucStd: r.auc.std,
      })),
    },
  };
}
