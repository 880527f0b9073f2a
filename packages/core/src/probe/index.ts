export { trainSoftmaxProbe } from "./softmax-probe.js";
export type { SoftmaxProbe, SoftmaxProbeOptions } from "./softmax-probe.js";
export {
  crossValidateProbe,
  crossValidateWith,
  scoreProbabilities,
  spread,
  stratifiedFolds,
} from "./cross-validate.js";
export type { CrossValidateOptions, CrossValidation, Spread } from "./cross-validate.js";
export { exploreFeatures, rankCandidates } from "./explore.js";
export { exploreCutMaps } from "./explore-maps.js";
export type { ExploreMapsOptions, MapHead } from "./explore-maps.js";
export type { ExploredCandidate, ExploreOptions, FeatureCandidate } from "./explore.js";
export {
  featuresOf,
  holdoutProbe,
  MAX_RAW_FEATURES,
  randomlyInitialised,
  rawInputs,
} from "./holdout-probe.js";
export {
  evenlySpacedCuts,
  multiCutFeatures,
  multiCutMaps,
  poolableLayers,
  poolMap,
} from "./multi-cut-features.js";
export type { CandidatePooling, CutMaps, MultiCutFeaturesOptions } from "./multi-cut-features.js";
