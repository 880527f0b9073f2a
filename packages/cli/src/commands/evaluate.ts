import { evaluatePredictions, type DetectionMetrics, type EvaluationReport } from "@graft/core";
import { Command } from "commander";

import { labelsForTask } from "../data.js";
import { probability, positiveInt } from "../options.js";
import type { Runner } from "../program.js";
import { fmt } from "../progress.js";
import { loadSavedModel, probabilityRows } from "../saved-model.js";
import { table } from "../table.js";
import {
  addDetectionOptions,
  detectionSettings,
  type DetectionFlags,
} from "./detection-options.js";

interface EvaluateFlags extends DetectionFlags {
  json?: boolean;
  plugin?: string;
  threshold?: number;
  negatives?: string[];
  batchSize: number;
}

/** `graft evaluate <model> <data>`: metrics on labelled data; wake words also FRR and false accepts per hour. */
export function evaluateCommand(run: Runner): Command {
  const command = new Command("evaluate")
    .description(
      "metrics of a saved model on a labelled folder or manifest: accuracy, per-class precision/recall/F1, confusion matrix, AUC; wake words also FRR and false accepts per hour on negative recordings",
    )
    .argument("<model>", "directory saved by graft pretrain/transfer")
    .argument("<data>", "labelled data: folder of class sub-folders, or a .csv/.jsonl manifest")
    .option("--json", "print the full report as JSON")
    .option("--plugin <name>", "override the plugin named in graft.json")
    .option(
      "--threshold <p>",
      "decision threshold of binary/multilabel tasks (default: the saved one, or 0.5)",
      probability,
    )
    .option(
      "--negatives <wav...>",
      "audio: long recordings without the wake word, for false accepts per hour",
    );
  return addDetectionOptions(command)
    .option("--batch-size <n>", "examples per forward pass", positiveInt, 32)
    .option("-q, --quiet", "no log lines")
    .addHelpText(
      "after",
      "\nExamples:\n  graft evaluate models/xray data/xray-test\n  graft evaluate models/wake data/wake-test --negatives data/negatives/*.wav --json\n",
    )
    .action(
      run(async (context, modelDir: string, dataPath: string, flags: EvaluateFlags) => {
        const { predictor, plugin } = await loadSavedModel(modelDir, flags.plugin);
        try {
          const labelled = await plugin.readLabelled(dataPath);
          const labels = labelsForTask(labelled, predictor.task);
          const data = await plugin.dataset(
            labelled.inputs,
            labels,
            predictor.preprocessor as never,
          );
          const threshold = flags.threshold ?? predictor.threshold;
          const rows = await probabilityRows(predictor.model, data, flags.batchSize);
          data.dispose?.();
          const report = evaluatePredictions(rows, labels, predictor.task, { threshold });
          let wake: DetectionMetrics | undefined;
          const detection = plugin.detection;
          if (detection && predictor.task.kind === "binary") {
            const positives = rows.filter((_, i) => labels[i] === 1).map((r) => r[0] ?? 0);
            wake = await detection.measure(
              predictor.model,
              predictor.preprocessor,
              positives,
              flags.negatives ?? [],
              threshold,
              detectionSettings(flags, detection.defaults),
            );
          }
          if (flags.json) {
            context.out(
              JSON.stringify(
                { model: modelDir, data: dataPath, ...report, ...(wake ? { wakeWord: wake } : {}) },
                null,
                2,
              ),
            );
            return;
          }
          printReport(context.out, report);
          if (wake) {
            context.out("");
            context.out(
              `wake word @ threshold ${fmt(wake.threshold)}: FRR ${wake.frr === null ? "n/a" : fmt(wake.frr)}` +
                (wake.faPerHour === null
                  ? " (no negative recordings: pass --negatives for false accepts per hour)"
                  : `, false accepts ${wake.falseAccepts} in ${fmt(wake.negativeSeconds)} s = ${fmt(wake.faPerHour)} per hour`),
            );
          }
        } finally {
          predictor.dispose();
        }
      }),
    );
}

/** Prints an evaluation report as text tables. */
export function printReport(out: (line: string) => void, report: EvaluationReport): void {
  out(
    `${report.examples} examples, accuracy ${fmt(report.accuracy)}, macro P/R/F1 ${fmt(report.macroPrecision)}/${fmt(report.macroRecall)}/${fmt(report.macroF1)}${report.macroAuc === null ? "" : `, AUC ${fmt(report.macroAuc)}`}${report.threshold === null ? "" : ` (threshold ${fmt(report.threshold)})`}`,
  );
  out("");
  out(
    table(
      ["class", "precision", "recall", "F1", "AUC", "support"],
      report.perClass.map((c) => [
        c.label,
        fmt(c.precision),
        fmt(c.recall),
        fmt(c.f1),
        fmt(c.auc),
        String(c.support),
      ]),
    ),
  );
  if (report.confusion) {
    out("");
    out("confusion (rows: true, columns: predicted)");
    out(
      table(
        ["", ...report.labels],
        report.confusion.map((row, i) => [report.labels[i] ?? "", ...row.map(String)]),
      ),
    );
  }
}
