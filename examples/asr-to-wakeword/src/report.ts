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

/** The summary the demo ends with: per route, task A and B, FRR at 0.5 and 1 FA/h on the test DET curve, and the calibrated operating point. */
export function resultLines(
  routes: Readonly<Record<string, RouteReport>>,
  options: { readonly targetFaPerHour: number },
): string[] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const lines: string[] = [];
  for (const [name, { result, trainSeconds, hoursB, taskA }] of Object.entries(routes)) {
    const frrAt = (fa: number): number => result.det.find((p) => p.faPerHour === fa)?.frr ?? 1;
    const test = `${result.testPositives} held-out positives, ${result.testHours.toFixed(2)} h of held-out negatives`;
    lines.push(
      `${name} FRR at 0.5 FA/h: ${pct(frrAt(0.5))} (test DET curve: ${test})`,
      `${name} FRR at 1 FA/h: ${pct(frrAt(1))}`,
      `${name} calibrated: threshold ${result.threshold.toFixed(4)} for ≤ ${options.targetFaPerHour} FA/h on task B's calibration audio${result.targetMet ? "" : " (target not reachable there)"} → test FRR ${pct(result.frr)} at ${result.faPerHour.toFixed(2)} FA/h (${result.falseAccepts} false accepts${heard(result)})`,
      `${name} DET: ${result.det.map((p) => `FRR ${pct(p.frr)} at ≤ ${p.faPerHour} FA/h`).join(", ")}`,
      `${name} data: task A ${taskA}; task B ${hoursB.toFixed(2)} h; trained in ${trainSeconds.toFixed(0)} s`,
    );
  }
  return lines;
}

function heard(result: WakeResult): string {
  const entries = Object.entries(result.falseAcceptsHeard).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return "";
  return `; heard: ${entries
    .slice(0, 6)
    .map(([text, n]) => `"${text}" ×${n}`)
    .join(", ")}${entries.length > 6 ? ", …" : ""}`;
}
