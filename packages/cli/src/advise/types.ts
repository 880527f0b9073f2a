/** Outcome of one of the three rules. */
export type RuleStatus = "pass" | "warn" | "fail" | "skipped";

/** One rule's measured result. */
export interface RuleResult {
  readonly rule: 1 | 2 | 3;
  readonly title: string;
  readonly status: RuleStatus;
  /** One line with the numbers. */
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

/** What `graft advise` concludes. */
export interface Advice {
  readonly verdict: "go" | "no-go";
  readonly reason: string;
  readonly rules: readonly RuleResult[];
}
