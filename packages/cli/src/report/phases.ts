import type { GraftManifest, Json, ManifestPhase } from "@graft/core";

/** A phase as the report shows it; files older than `phases` may lack the rates. */
export type ReportPhase = Pick<ManifestPhase, "name" | "freeze" | "epochs"> &
  Partial<Pick<ManifestPhase, "backboneLrMult">>;

/**
 * The training phases of a saved model: core's `phases` list, or, in files
 * written before it existed, the schedule the CLI kept under `extra.cli.phases`
 * (planned epochs). Empty when neither is there.
 */
export function phasesOf(m: GraftManifest): ReportPhase[] {
  if (m.phases) return m.phases;
  const cli = (m.extra?.["cli"] ?? {}) as Record<string, Json>;
  return (Array.isArray(cli["phases"]) ? cli["phases"] : []) as unknown as ReportPhase[];
}

/** The backbone's freeze policy when the model was saved. */
export function finalFreeze(m: GraftManifest): string {
  // Before `phases`, the top-level field held the policy at save time.
  return m.phases?.at(-1)?.freeze ?? String(m.freeze ?? "unknown");
}
