import type { Json } from "@graft/core";

import { esc, lineChart } from "./svg.js";

interface Roc {
  label: string;
  auc: number;
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

interface Metrics {
  labels?: string[];
  confusion?: number[][] | null;
  roc?: Roc[];
  threshold?: number | null;
  accuracy?: number;
  macroF1?: number;
  macroAuc?: number | null;
  examples?: number;
  wakeWord?: {
    threshold: number;
    frr: number | null;
    faPerHour: number | null;
    falseAccepts: number;
    negativeSeconds: number;
    det: { threshold: number; frr: number; faPerHour: number }[];
  };
}

const COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

/** The metrics saved in graft.json, typed loosely. */
export function metricsOf(json: Json | undefined): Metrics {
  return (json && typeof json === "object" && !Array.isArray(json)
    ? json
    : {}) as unknown as Metrics;
}

/** The confusion matrix as an HTML table, cells shaded by their share of the row. */
export function confusionTable(metrics: Metrics): string {
  const { confusion, labels = [] } = metrics;
  if (!confusion)
    return `<p class="empty">No confusion matrix (no held-out data was evaluated).</p>`;
  const head = `<tr><th>true \\ predicted</th>${labels.map((l) => `<th>${esc(l)}</th>`).join("")}</tr>`;
  const body = confusion
    .map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      const cells = row
        .map(
          (n, j) =>
            `<td style="background: rgba(31,119,180,${(n / total).toFixed(2)}); color: ${n / total > 0.5 ? "#fff" : "#000"}"${i === j ? ' class="diag"' : ""}>${n}</td>`,
        )
        .join("");
      return `<tr><th>${esc(labels[i] ?? String(i))}</th>${cells}</tr>`;
    })
    .join("");
  return `<table id="confusion" class="confusion">${head}${body}</table>`;
}

/** ROC curves (one per class, or the positive class) with the operating point at the decision threshold. */
export function rocChart(metrics: Metrics): string {
  const roc = metrics.roc ?? [];
  if (roc.length === 0)
    return `<p class="empty">No ROC curve (no held-out data, or a single class in it).</p>`;
  let point: { x: number; y: number; label: string } | undefined;
  const threshold = metrics.threshold;
  if (typeof threshold === "number" && roc.length === 1) {
    const r = roc[0] as Roc;
    let best = 0;
    r.thresholds.forEach((t, i) => {
      if (Math.abs(t - threshold) < Math.abs((r.thresholds[best] ?? Infinity) - threshold))
        best = i;
    });
    point = { x: r.fpr[best] ?? 0, y: r.tpr[best] ?? 0, label: `threshold ${threshold}` };
  }
  return lineChart({
    id: "chart-roc",
    title: "ROC",
    xLabel: "false positive rate",
    yLabel: "true positive rate",
    xRange: [0, 1],
    yRange: [0, 1],
    diagonal: true,
    series: roc.map((r, i) => ({
      name: `${r.label} (AUC ${r.auc.toFixed(3)})`,
      points: r.fpr.map((x, k) => [x, r.tpr[k] ?? 0] as const),
      color: COLORS[i % COLORS.length] as string,
    })),
    ...(point ? { point } : {}),
  });
}

/** DET curve of a wake-word model: false rejects against false accepts per hour, with the operating point. */
export function detChart(metrics: Metrics): string {
  const ww = metrics.wakeWord;
  if (!ww || ww.det.length === 0)
    return `<p class="empty">No DET curve: transfer (or evaluate) with --negatives &lt;long recordings without the wake word&gt;.</p>`;
  const points = [...ww.det]
    .sort((a, b) => a.faPerHour - b.faPerHour)
    .map((p) => [p.faPerHour, p.frr] as const);
  return lineChart({
    id: "chart-det",
    title: "DET (detection error trade-off)",
    xLabel: "false accepts per hour",
    yLabel: "false-reject rate",
    yRange: [0, 1],
    series: [{ name: "DET", points, color: "#1f77b4" }],
    point: { x: ww.faPerHour ?? 0, y: ww.frr ?? 0, label: `threshold ${ww.threshold}` },
  });
}
