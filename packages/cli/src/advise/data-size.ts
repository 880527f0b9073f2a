import type { Provenance } from "@graft/core";

import type { RuleResult } from "./types.js";

/** How many times more task-A examples than task-B ones counts as "m_A ≫ m_B". */
export const MIN_RATIO = 10;

/** Rule 2: m_A ≫ m_B, from the backbone's provenance and the size of B. */
export function dataSizeRule(provenance: Provenance, mB: number): RuleResult {
  const title = "m_A ≫ m_B (much more data for A than for B)";
  const mA = provenance.examples;
  if (mA === undefined || mA === 0) {
    return {
      rule: 2,
      title,
      status: "warn",
      summary: `m_A unknown (the source's provenance does not say how many examples task A had); m_B = ${mB}`,
      details: { mA: null, mB, task: provenance.task ?? null },
    };
  }
  const ratio = mA / mB;
  const status = ratio >= MIN_RATIO ? "pass" : "warn";
  return {
    rule: 2,
    title,
    status,
    summary: `m_A = ${mA.toLocaleString("en")} (${provenance.task ?? "task A"}), m_B = ${mB}: ${ratio >= 10 ? Math.round(ratio).toLocaleString("en") : ratio.toFixed(1)}× ${status === "pass" ? "≥" : "<"} ${MIN_RATIO}×`,
    details: { mA, mB, ratio, task: provenance.task ?? null },
  };
}
