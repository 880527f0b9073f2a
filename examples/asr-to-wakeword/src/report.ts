import type { WakeResult } from "./evaluate.js";

/** One route's result and what it was trained on. */
export interface RouteReport {
  readonly result: WakeResult;
  readonly trainSeconds: number;
  /** Hours of task B audio the route trained and calibrated on. */
  readonly hoursB: number;
  /** What task A was, for the summary. */
  readonly taskA: string;
}

/** The summary the demo ends with: per route, task A and B, FRR at 0.5 and 1 FA/h on the test DET curve of everyday audio and with near misses counted, near misses accepted, and the calibrated operating point. */
export function resultLines(
  routes: Readonly<Record<string, RouteReport>>,
  options: { readonly targetFaPerHour: number },
): string[] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines: string[] = [];
  for (const [name, { result, trainSeconds, hoursB, taskA }] of Object.entries(routes)) {
    const frrAt = (fa: number, det = result.det): number =>
      det.find((p) => p.faPerHour === fa)?.frr ?? 1;
    const test = `${result.testPositives} held-out positives, ${result.testHours.toFixed(2)} h of everyday held-out negatives`;
    const { accepted, total } = result.nearMisses;
    lines.push(
      `${name} FRR at 0.5 FA/h: ${pct(frrAt(0.5))} (test DET curve: ${test})`,
      `${name} FRR at 1 FA/h: ${pct(frrAt(1))}`,
      `${name} with near misses counted as false accepts: FRR ${pct(frrAt(0.5, result.detWithNearMisses))} at 0.5 FA/h, ${pct(frrAt(1, result.detWithNearMisses))} at 1 FA/h`,
      `${name} near misses accepted at the calibrated threshold: ${accepted} of ${total} (${pct(accepted / Math.max(total, 1))})${nearMissDetail(result)}`,
      `${name} calibrated: threshold ${result.threshold.toFixed(4)} for ≤ ${options.targetFaPerHour} FA/h on task B's calibration audio${result.targetMet ? "" : " (target not reachable there)"} → test FRR ${pct(result.frr)} at ${result.faPerHour.toFixed(2)} FA/h (${result.falseAccepts} false accepts${heard(result)})`,
      `${name} DET: ${result.det.map((p) => `FRR ${pct(p.frr)} at ≤ ${p.faPerHour} FA/h`).join(", ")}`,
      `${name} data: task A ${taskA}; task B ${hoursB.toFixed(2)} h; trained in ${trainSeconds.toFixed(0)} s`,
    );
  }
  return lines;
}

function nearMissDetail(result: WakeResult): string {
  const worst = Object.entries(result.nearMisses.byText)
    .filter(([, n]) => n.accepted > 0)
    .sort((a, b) => b[1].accepted / b[1].total - a[1].accepted / a[1].total)
    .slice(0, 5);
  return worst.length === 0
    ? ""
    : `; most often: ${worst.map(([text, n]) => `"${text}" ${n.accepted}/${n.total}`).join(", ")}`;
}

function heard(result: WakeResult): string {
  const entries = Object.entries(result.falseAcceptsHeard).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return "";
  return `; heard: ${entries
    .slice(0, 6)
    .map(([text, n]) => `"${text}" ×${n}`)
    .join(", ")}${entries.length > 6 ? ", …" : ""}`;
}
