import { readdir, stat } from "node:fs/promises";
import path from "node:path";

import { Command } from "commander";

import { UsageError } from "../errors.js";
import { positiveInt } from "../options.js";
import type { Runner } from "../program.js";
import { fmt } from "../progress.js";
import { loadSavedModel } from "../saved-model.js";
import { table } from "../table.js";

interface PredictFlags {
  json?: boolean;
  plugin?: string;
  top: number;
  batchSize: number;
}

/** `graft predict <model> <inputs...>`: labels and scores for files (or the files in folders). */
export function predictCommand(run: Runner): Command {
  return new Command("predict")
    .description(
      "predict labels and scores for files (folders are expanded to the files the model's plugin reads)",
    )
    .argument("<model>", "directory saved by graft pretrain/transfer")
    .argument("<inputs...>", "image or WAV files, or folders of them")
    .option("--json", "print one JSON array of { file, label, score, scores }")
    .option("--plugin <name>", "override the plugin named in graft.json")
    .option("--top <k>", "scores shown per file in the table", positiveInt, 3)
    .option("--batch-size <n>", "files per forward pass", positiveInt, 32)
    .option("-q, --quiet", "no log lines")
    .addHelpText(
      "after",
      "\nExamples:\n  graft predict models/xray scans/*.png\n  graft predict models/wake clips/ --json\n",
    )
    .action(
      run(async (context, modelDir: string, inputs: string[], flags: PredictFlags) => {
        const { predictor, plugin } = await loadSavedModel(modelDir, flags.plugin);
        try {
          const files = await expand(inputs, plugin.extensions);
          const results: {
            file: string;
            label: string;
            score: number;
            scores: Record<string, number>;
          }[] = [];
          for (let i = 0; i < files.length; i += flags.batchSize) {
            const batch = files.slice(i, i + flags.batchSize);
            const predictions = await predictor.predictRaw(batch);
            predictions.forEach((p, j) =>
              results.push({
                file: batch[j] as string,
                label: p.label,
                score: p.score,
                scores: { ...p.scores },
              }),
            );
          }
          if (flags.json) {
            context.out(JSON.stringify(results, null, 2));
            return;
          }
          const rows = results.map((r) => {
            const others = Object.entries(r.scores)
              .sort((a, b) => b[1] - a[1])
              .slice(0, flags.top)
              .map(([k, v]) => `${k} ${fmt(v)}`)
              .join(", ");
            return [r.file, r.label, fmt(r.score), others];
          });
          context.out(table(["file", "label", "score", "scores"], rows));
        } finally {
          predictor.dispose();
        }
      }),
    );
}

async function expand(inputs: readonly string[], extensions: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new UsageError(`${input}: no such file or directory.`);
    if (info.isFile()) {
      files.push(input);
      continue;
    }
    const names = (await readdir(input))
      .filter((n) => extensions.includes(path.extname(n).toLowerCase()))
      .sort();
    if (names.length === 0)
      throw new UsageError(`${input}: no ${extensions.join("/")} files in this folder.`);
    files.push(...names.map((n) => path.join(input, n)));
  }
  return files;
}
