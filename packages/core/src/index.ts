export type {
  AudioInputSpec,
  Backbone,
  BinaryTask,
  Dataset,
  DomainPlugin,
  Head,
  HeadContext,
  HeadFactory,
  ImageInputSpec,
  InputSpec,
  Json,
  MulticlassTask,
  MultilabelTask,
  PixelNormalization,
  Pooling,
  Preprocessor,
  Provenance,
  Task,
  TensorInputSpec,
} from "./types.js";
export {
  ConfigError,
  DataError,
  EngineError,
  GraftError,
  InputMismatchError,
  ModelFileError,
  TrainingError,
} from "./errors.js";
export { loadEngine } from "./engine/load-engine.js";
export type { Engine, EngineName, LoadEngineOptions } from "./engine/load-engine.js";

export { cutBackbone, releaseUnusedLayers } from "./backbone/cut-backbone.js";
export type { CutBackboneOptions } from "./backbone/cut-backbone.js";
export { cutSavedModel, loadBackbone } from "./backbone/load-backbone.js";
export type { LoadBackboneOptions } from "./backbone/load-backbone.js";
export { featureBackbone, graphModelFeatures } from "./backbone/graph-backbone.js";
export type { GraphFeaturesOptions } from "./backbone/graph-backbone.js";
export { weightsChecksum } from "./backbone/weights-checksum.js";
export { uniqueName } from "./backbone/layer-names.js";

export { denseHead, outputHead } from "./head/dense-head.js";
export type { DenseHeadOptions } from "./head/dense-head.js";

export { createTransferModel, TransferModel } from "./transfer/transfer-model.js";
export type { TestView, TransferOptions } from "./transfer/transfer-model.js";
export { formatFreezePolicy, parseFreezePolicy } from "./transfer/freeze.js";
export type { FreezePolicy } from "./transfer/freeze.js";
export { describeSpec } from "./transfer/input-spec.js";
export {
  copyWeightsByName,
  recalibrateBatchNorm,
  setBatchNormMomentum,
} from "./transfer/batch-norm.js";
export type { SaveOptions } from "./transfer/save-transfer.js";

export type { EpochRecord, TrainingHistory } from "./train/fit.js";
export type { PhaseRecord } from "./train/phase-records.js";
export type { FitOptions, ProgressEvent, TrainingPhase } from "./train/options.js";
export {
  activationBytesPerExample,
  chooseMicroBatch,
  trainingMemoryBudget,
} from "./train/memory-budget.js";
export type { MemoryBudget, MicroBatchRequest } from "./train/memory-budget.js";
export { FeatureCache, featureCacheKey } from "./cache/feature-cache.js";

export { collectBatches, subsetDataset, tensorDataset } from "./data/tensor-dataset.js";
export { createRng, stratifiedSplit } from "./data/index.js";

export {
  crossValidateProbe,
  crossValidateWith,
  evenlySpacedCuts,
  exploreCutMaps,
  exploreFeatures,
  featuresOf,
  multiCutFeatures,
  multiCutMaps,
  poolMap,
  randomlyInitialised,
  rankCandidates,
  rawInputs,
  trainSoftmaxProbe,
} from "./probe/index.js";
export type {
  CandidatePooling,
  CrossValidateOptions,
  CrossValidation,
  CutMaps,
  ExploredCandidate,
  ExploreMapsOptions,
  ExploreOptions,
  FeatureCandidate,
  MapHead,
  MultiCutFeaturesOptions,
  SoftmaxProbe,
  SoftmaxProbeOptions,
  Spread,
} from "./probe/index.js";
export type { Rng, Split, SplitOptions } from "./data/index.js";

export { auc, evaluatePredictions, rocCurve } from "./evaluate/index.js";
export type {
  ClassMetrics,
  ClassRoc,
  EvaluateOptions,
  EvaluationReport,
  RocCurve,
} from "./evaluate/index.js";

export { loadPredictor, toPrediction } from "./predict/predictor.js";
export type { LoadPredictorOptions, Prediction, Predictor } from "./predict/predictor.js";
export {
  acquireDirLock,
  fileSystem,
  loadLayersModelFromDir,
  loadModelDir,
  readManifest,
} from "./persist/index.js";
export type {
  DirLock,
  GraftManifest,
  LoadedModelDir,
  ManifestInput,
  ManifestPhase,
} from "./persist/index.js";

export { escapeHtml } from "./plugin/escape-html.js";
export type {
  BuiltinSource,
  CutSpec,
  DatasetOptions,
  DetectionHooks,
  DetectionMetrics,
  DetectionPoint,
  DetectionSettings,
  LabelledInputs,
  ListenOptions,
  PluginContract,
  PluginOptions,
  ReportInputs,
  ReportSection,
  StreamDetection,
} from "./plugin/contract.js";
