import { Command } from "commander";

import { loadPlugin, sniffPlugin } from "../plugins/index.js";
import { choice, positiveInt, positiveNumber } from "../options.js";
import { headFactory } from "../options.js";
import { runTraining } from "../train-run.js";
import type { Runner } from "../program.js";
import {
  addTrainingOptions,
  pluginOptions,
  runSettings,
  type TrainingFlags,
} from "./training-options.js";

interface PretrainFlags extends TrainingFlags {
  backbone?: string;
  width?: number;
  blocks?: number;
  alpha?: number;
}

/** `graft pretrain <data>`: a fresh plugin backbone + head trained from scratch on task A. */
export function pretrainCommand(run: Runner): Command {
  const command = new Command("pretrain")
    .description(
      "train a plugin backbone and a head from scratch on task-A data (a folder of class sub-folders, or a CSV/JSONL manifest), and save it",
    )
    .argument(
      "<data>",
      "data folder (one sub-folder per class) or manifest (.csv path,label / .jsonl)",
    )
    .option("--backbone <name>", "vision: small-cnn (default) or mobilenet-v2; audio: speech")
    .option(
      "--width <n>",
      "filters of the first block (small-cnn, default 16) or channels of every block (speech, default 32)",
      positiveInt,
    )
    .option("--blocks <n>", "conv blocks (small-cnn default 3, speech default 2)", positiveInt)
    .option("--alpha <x>", "mobilenet-v2 width multiplier (default 0.35)", positiveNumber);
  addTrainingOptions(command, { head: "dense:64", epochs: 10 });
  command.addHelpText(
    "after",
    "\nExample:\n  graft pretrain data/task-a --plugin @graft/vision --input-size 32 --epochs 20 --out models/task-a\n",
  );
  void choice;
  return command.action(
    run(async (context, data: string, flags: PretrainFlags) => {
      const plugin = flags.plugin ? await loadPlugin(flags.plugin) : await sniffPlugin(data);
      const options = pluginOptions(flags);
      const preprocessor = plugin.preprocessorFor(undefined, options);
      const backbone = plugin.freshBackbone(
        flags.backbone ?? (plugin.backboneNames[0] as string),
        preprocessor,
        options,
      );
      const labelled = await plugin.readLabelled(data);
      await runTraining(context, {
        command: "pretrain",
        dataPath: data,
        data: labelled,
        out: flags.out,
        plugin,
        preprocessor,
        backbone,
        head: headFactory(flags.head, plugin, {
          dropout: flags.dropout,
          normalization: flags.headNorm,
        }),
        headText: JSON.stringify(flags.head),
        freeze: "trainable",
        phases: [
          { name: "pretrain", epochs: flags.epochs, freeze: "trainable", learningRate: flags.lr },
        ],
        ...runSettings(flags),
      });
    }),
  );
}
