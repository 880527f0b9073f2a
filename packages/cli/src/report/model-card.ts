import type { GraftManifest, Json } from "@graft/core";

import { finalFreeze, phasesOf } from "./phases.js";
import { esc } from "./svg.js";

/** The model card: provenance, data sizes, cut point, frozen layers, head, metrics, versions. */
export function modelCard(m: GraftManifest): string {
  const cli = (m.extra?.["cli"] ?? {}) as Record<string, Json>;
  const p = m.backbone.provenance;
  const metrics = (m.metrics ?? {}) as Record<string, Json>;
  const counts = (cli["classCounts"] ?? {}) as Record<string, number>;
  const split = (cli["split"] ?? {}) as Record<string, number>;
  const phases = phasesOf(m);
  const featureIndex = m.backbone.layerNames.indexOf(m.backbone.featureLayer);
  const rows: [string, string][] = [
    ["task", `${m.task.kind}: ${m.task.labels.join(", ")}`],
    ["plugin", m.plugin ? `${m.plugin.name} (${m.plugin.packageName})` : "none"],
    ["input", m.inputSpec ? JSON.stringify(m.inputSpec) : "unknown"],
    ["backbone", m.backbone.name],
    ["task A (provenance)", p.task ?? "unknown"],
    [
      "m_A (task-A examples)",
      p.examples === undefined ? "unknown" : p.examples.toLocaleString("en"),
    ],
    ["source", p.source ?? "unknown"],
    ["licence", p.license ?? "unknown"],
    ["weights SHA-256", p.weightsSha256 ?? "unknown"],
    [
      "cut point",
      `${p.cutAt ?? m.backbone.featureLayer}${p.pooling && p.pooling !== "none" ? ` + ${p.pooling} pooling` : ""} (feature layer ${m.backbone.featureLayer}, ${featureIndex + 1} of ${m.backbone.layerNames.length} backbone layers)`,
    ],
    ["head", `${JSON.stringify(m.head.spec)} (new layers: ${m.head.layerNames.join(", ")})`],
    [
      "freeze schedule",
      phases.length
        ? phases
            .map(
              (ph) =>
                `${ph.name}: ${ph.epochs} epochs, backbone ${ph.freeze}${(ph.backboneLrMult ?? 1) !== 1 ? `, backbone lr × ${ph.backboneLrMult}` : ""}`,
            )
            .join("; ")
        : String(m.freeze ?? "unknown"),
    ],
    ["frozen at the end", finalFreeze(m)],
    [
      "m_B (task-B examples)",
      `${Object.values(counts).reduce((a, b) => a + b, 0) || String(m.extra?.["trainExamples"] ?? "?")} (${Object.entries(
        counts,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ", ",
        )}); train ${split["train"] ?? "?"}, validation ${split["validation"] ?? "?"}, test ${split["test"] ?? "?"}`,
    ],
    ["data", String(cli["data"] ?? "unknown")],
    [
      "metrics",
      typeof metrics["accuracy"] === "number"
        ? `accuracy ${(metrics["accuracy"] as number).toFixed(3)}, macro F1 ${Number(metrics["macroF1"]).toFixed(3)}${typeof metrics["macroAuc"] === "number" ? `, AUC ${(metrics["macroAuc"] as number).toFixed(3)}` : ""} on ${String(metrics["examples"])} ${String(cli["evaluatedOn"] ?? "held-out")} examples`
        : "not evaluated",
    ],
    ["threshold", m.threshold === undefined ? "0.5 (default)" : String(m.threshold)],
    ["trained", `${m.createdAt} on ${m.engine}; graft ${m.graftVersion}, TF.js ${m.tfjsVersion}`],
  ];
  return `<table id="model-card" class="card">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`;
}
