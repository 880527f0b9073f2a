import type { Json, ManifestPhase } from "@graft/core";

import { esc, lineChart, type Marker } from "./svg.js";

interface EpochRow {
  phase: string;
  epoch: number;
  /** Only in files written before `phases`, which repeated it every epoch. */
  freeze?: string;
  [metric: string]: string | number | undefined;
}

/**
 * Loss and accuracy per epoch over the whole schedule, a marker where each
 * phase starts (with its freeze policy, from `phases`; older files carry it
 * in every schedule row instead).
 */
export function trainingCurves(
  schedule: Json | undefined,
  phases: readonly ManifestPhase[] | undefined,
): string {
  const rows = (Array.isArray(schedule) ? schedule : []) as unknown as EpochRow[];
  if (rows.length === 0) return `<p class="empty">No training history in graft.json.</p>`;
  const markers = phases ? phaseMarkers(phases) : rowMarkers(rows);
  const series = (key: string) =>
    rows.map((r, i) => [i + 1, typeof r[key] === "number" ? r[key] : NaN] as const);
  const has = (key: string) => rows.some((r) => typeof r[key] === "number");
  const loss = lineChart({
    id: "chart-loss",
    title: "Loss per epoch",
    xLabel: "epoch (whole schedule)",
    yLabel: "loss",
    markers,
    series: [
      { name: "train", points: series("loss"), color: "#1f77b4" },
      ...(has("val_loss")
        ? [{ name: "validation", points: series("val_loss"), color: "#ff7f0e", dashed: true }]
        : []),
    ],
  });
  const accuracy = lineChart({
    id: "chart-accuracy",
    title: "Accuracy per epoch",
    xLabel: "epoch (whole schedule)",
    yLabel: "accuracy",
    markers,
    yRange: [0, 1.05],
    series: [
      { name: "train", points: series("accuracy"), color: "#1f77b4" },
      ...(has("val_accuracy")
        ? [{ name: "validation", points: series("val_accuracy"), color: "#ff7f0e", dashed: true }]
        : []),
    ],
  });
  const items = markers
    .map((m) => `<li>${esc(m.label)} from epoch ${Math.round(m.x + 0.5)}</li>`)
    .join("");
  return `<div class="charts">${loss}${accuracy}</div><p>Freeze schedule (dashed orange lines):</p><ul class="phases">${items}</ul>`;
}

/** A marker where each phase starts, from the phases' epoch counts. */
function phaseMarkers(phases: readonly ManifestPhase[]): Marker[] {
  let start = 0;
  return phases.map((p) => {
    const marker = { x: start + 0.5, label: `${p.name} (${p.freeze})` };
    start += p.epochs;
    return marker;
  });
}

/** Files without `phases`: a marker wherever the schedule's phase name changes. */
function rowMarkers(rows: readonly EpochRow[]): Marker[] {
  const markers: Marker[] = [];
  rows.forEach((r, i) => {
    if (i === 0 || rows[i - 1]?.phase !== r.phase)
      markers.push({ x: i + 0.5, label: `${r.phase} (${r.freeze ?? "unknown"})` });
  });
  return markers;
}
