/**
 * The one-pass multi-cut feature reader is architecture-free, so it lives in
 * core (the CLI's explorer uses it for any plugin); vision re-exports it.
 */
export { multiCutFeatures } from "@graft/core";
export type { CandidatePooling, MultiCutFeaturesOptions } from "@graft/core";
