import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import type { Json } from "@graft/core";
import { Command } from "commander";

import { labelsForTask } from "../data.js";
import { nonNegativeInt } from "../options.js";
import type { Runner } from "../program.js";
import { trainingCurves } from "../report/curves.js";
import { confusionTable, detChart, metricsOf, rocChart } from "../report/evaluation.js";
import { renderHtml, type Section } from "../report/html.js";
import { modelCard } from "../report/model-card.js";
import { loadSavedModel } from "../saved-model.js";

interface ReportFlags {
  out?: string;
  plugin?: string;
  data?: string;
  negatives?: string[];
  gallery: number;
  quiet?: boolean;
}

/** `graft report <run>`: one self-contained HTML page about a saved model. */
export function reportCommand(run: Runner): Command {
  return new Command("report")
    .description(
      "write one self-contained HTML file about a saved model: training curves with the freeze schedule, confusion matrix, ROC (images) or DET (wake word) with the operating point, Grad-CAM gallery or playable false alarms, and the model card",
    )
    .argument("<run>", "model directory saved by graft pretrain/transfer")
    .option("-o, --out <file>", "HTML file to write (default: <run>/report.html)")
    .option("--plugin <name>", "override the plugin named in graft.json")
    .option(
      "--data <path>",
      "labelled images for the Grad-CAM gallery (default: the held-out examples recorded at training)",
    )
    .option(
      "--negatives <wav...>",
      "audio: negative recordings for false-alarm snippets (default: those recorded at training)",
    )
    .option(
      "--gallery <n>",
      "most Grad-CAM images / false-alarm snippets shown",
      nonNegativeInt,
      12,
    )
    .option("-q, --quiet", "no log lines")
    .addHelpText("after", "\nExample:\n  graft report models/xray --out xray-report.html\n")
    .action(
      run(async (context, runDir: string, flags: ReportFlags) => {
        const { predictor, plugin } = await loadSavedModel(runDir, flags.plugin);
        try {
          const m = predictor.manifest;
          const cli = (m.extra?.["cli"] ?? {}) as Record<string, Json>;
          const metrics = metricsOf(m.metrics);
          const wake = plugin.detection !== undefined && m.task.kind === "binary";
          const sections: Section[] = [
            { id: "model-card-section", title: "Model card", body: modelCard(m) },
            { id: "curves", title: "Training curves", body: trainingCurves(m.schedule, m.phases) },
            { id: "confusion-section", title: "Confusion matrix", body: confusionTable(metrics) },
            wake
              ? { id: "det", title: "DET curve", body: detChart(metrics) }
              : { id: "roc", title: "ROC curve", body: rocChart(metrics) },
          ];
          let files = (cli["evalInputs"] ?? []) as string[];
          let labels = (cli["evalLabels"] ?? []) as number[];
          if (flags.data) {
            const labelled = await plugin.readLabelled(flags.data);
            files = labelled.inputs;
            labels = labelsForTask(labelled, m.task);
          }
          const negatives = flags.negatives ?? ((cli["negatives"] ?? []) as string[]);
          const extra = await plugin.reportSections?.(predictor, {
            files,
            labels,
            negatives,
            limit: flags.gallery,
          });
          sections.push(...(extra ?? []));
          const html = renderHtml(
            `graft report: ${path.basename(path.resolve(runDir))}`,
            `${m.task.kind} model over ${m.task.labels.join(", ")}, ${String(cli["command"] ?? "saved")} ${m.createdAt}`,
            sections,
          );
          const out = flags.out ?? path.join(runDir, "report.html");
          await mkdir(path.dirname(path.resolve(out)), { recursive: true });
          await writeFile(out, html);
          context.log(`report: ${sections.map((s) => s.title).join(", ")}`);
          context.out(`wrote ${out} (${Math.round(html.length / 1024)} KiB)`);
        } finally {
          predictor.dispose();
        }
      }),
    );
}
