import type { WakeResult } from "./evaluate.js";

interface ReportInput {
  readonly hoursA: number;
  readonly clipsA: number;
  readonly hoursB: number;
  readonly clipsB: number;
  readonly accuracyA: number;
  readonly results: Readonly<Record<string, { result: WakeResult; trainSeconds: number }>>;
  readonly options: {
    readonly targetFaPerHour: number;
    readonly calibrationMinutes: number;
    readonly testMinutes: number;
  };
}

/** The summary the demo ends with: data sizes, then FRR and FA/h of each model. */
export function resultLines({
  hoursA,
  clipsA,
  hoursB,
  clipsB,
  accuracyA,
  results,
  options,
}: ReportInput): string[] {
  const lines = [
    `hours A: ${hoursA.toFixed(2)} h (${clipsA} clips; word accuracy ${accuracyA.toFixed(3)})`,
    `hours B: ${hoursB.toFixed(2)} h (${clipsB} clips + ${options.calibrationMinutes} min calibration stream)`,
  ];
  for (const [name, { result, trainSeconds }] of Object.entries(results)) {
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    lines.push(
      `${name} FRR: ${pct(result.frr)} at threshold ${result.threshold.toFixed(3)} (calibrated for ≤ ${options.targetFaPerHour} FA/h${result.targetMet ? "" : ", target not reachable"}; trained in ${trainSeconds.toFixed(0)} s)`,
      `${name} FA/h: ${result.faPerHour.toFixed(2)} (${result.falseAccepts} false accepts in ${(result.testHours * 60).toFixed(0)} min of held-out negative stream${heard(result)})`,
      `${name} test DET curve (threshold picked on the test audio, for reference): ${result.det.map((p) => `FRR ${pct(p.frr)} at ≤ ${p.faPerHour} FA/h`).join(", ")}`,
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
