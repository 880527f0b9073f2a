import type { FreezePolicy } from "@graft/core";
import { Command } from "commander";

import { headFactory, parseCut, parsePooling, positiveInt } from "../options.js";
import type { CutSpec } from "../plugins/types.js";
import type { Runner } from "../program.js";
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
  cut?: CutSpec;
  pooling: "auto" | "none" | "avg" | "max";
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
      "cut a trained model (graft model dir, TF.js Layers model.json, or a built-in backbone), put a new head on it, train on task-B data, and save",
    )
    .argument("<data>", "task-B data folder (one sub-folder per class) or manifest (.csv / .jsonl)")
    .option(
      "--from <model>",
      "source: a directory saved by graft, or a TF.js Layers model directory / model.json (Keras-converted included)",
    )
    .option(
      "--backbone <name>",
      "built-in pre-trained source instead of --from: nsfwjs-mobilenetv2, speech-embedding",
    )
    .option(
      "--cut <layer>",
      "last layer kept: a layer name, or last:N to drop the last N layers (default: the source's feature layer, or last:1)",
      parseCut,
    )
    .option(
      "--pooling <kind>",
      "global pooling after the cut: auto (avg when the cut leaves a feature map), avg, max, none",
      parsePooling,
      "auto",
    )
    .option(
      "--source-task <text>",
      "plain model.json sources: what task A was (recorded as provenance)",
    )
    .option(
      "--source-examples <n>",
      "plain model.json sources: examples task A was trained on (m_A)",
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
      const source = await resolveSource({
        ...(flags.from ? { from: flags.from } : {}),
        ...(flags.backbone ? { backbone: flags.backbone } : {}),
        cut: flags.cut,
        pooling: flags.pooling,
        ...(flags.plugin ? { plugin: flags.plugin } : {}),
        ...(flags.sourceTask ? { sourceTask: flags.sourceTask } : {}),
        ...(flags.sourceExamples ? { sourceExamples: flags.sourceExamples } : {}),
        pluginOptions: pluginOptions(flags),
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
