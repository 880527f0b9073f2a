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
export { ENGINE_NAMES, loadEngine } from "./engine/load-engine.js";
export type { Engine, EngineName, LoadEngineOptions } from "./engine/load-engine.js";
