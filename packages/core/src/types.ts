import type * as tf from "@tensorflow/tfjs";

/** A JSON value, as stored in `graft.json`. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------
// Input specifications
// ---------------------------------------------------------------------------

/** How pixel values are scaled before they reach a backbone. */
export type PixelNormalization = "unit" | "symmetric" | "imagenet";

/** What an image backbone consumes: a batch of `[height, width, channels]` tensors. */
export interface ImageInputSpec {
  readonly kind: "image";
  readonly height: number;
  readonly width: number;
  /** 1 (grayscale) or 3 (RGB). */
  readonly channels: number;
  /** `unit` = [0, 1], `symmetric` = [-1, 1], `imagenet` = ImageNet mean/std. */
  readonly normalization: PixelNormalization;
}

/** What a speech backbone consumes: a batch of `[frames, bands]` (or `[frames, bands, 1]`) features. */
export interface AudioInputSpec {
  readonly kind: "audio";
  readonly sampleRate: number;
  /** Analysis window, in samples (a power of two). */
  readonly windowSize: number;
  /** Hop between frames, in samples. */
  readonly hopSize: number;
  readonly feature: "log-mel" | "mfcc";
  /** Mel bands (log-mel) or cepstral coefficients (MFCC). */
  readonly bands: number;
  readonly frames: number;
}

/** A tensor input described only by its shape: what core's own tests and generic models use. */
export interface TensorInputSpec {
  readonly kind: "tensor";
  /** Shape of one example, without the batch dimension. */
  readonly shape: readonly number[];
}

/** What a backbone consumes; checked when a preprocessor and a backbone are joined. */
export type InputSpec = ImageInputSpec | AudioInputSpec | TensorInputSpec;

// ---------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------

/** One label per example, among two or more classes (softmax output). */
export interface MulticlassTask {
  readonly kind: "multiclass";
  readonly labels: readonly string[];
}

/** One yes/no decision per example (one sigmoid output). `labels[1]` is the positive class. */
export interface BinaryTask {
  readonly kind: "binary";
  readonly labels: readonly [negative: string, positive: string];
}

/** Any number of labels per example (one sigmoid output per label). */
export interface MultilabelTask {
  readonly kind: "multilabel";
  readonly labels: readonly string[];
}

/** What the head predicts. */
export type Task = MulticlassTask | BinaryTask | MultilabelTask;

// ---------------------------------------------------------------------------
// Preprocessing
// ---------------------------------------------------------------------------

/**
 * Turns raw inputs (a file path, a decoded image, audio samples) into a batch
 * tensor that matches `spec`. It must be deterministic: the same code runs at
 * training and at prediction time, and `config` is saved with the model so the
 * two never drift apart.
 */
export interface Preprocessor<TRaw = unknown> {
  /** Namespaced id, e.g. `vision:image`. */
  readonly name: string;
  readonly spec: InputSpec;
  /** Everything needed to rebuild this preprocessor; stored in `graft.json`. */
  readonly config: Json;
  /** Batch of `raws.length` examples, shape `[n, ...exampleShape]`. The caller owns the tensor. */
  process(raws: readonly TRaw[]): Promise<tf.Tensor>;
}

// ---------------------------------------------------------------------------
// Backbones
// ---------------------------------------------------------------------------

/** Where a backbone's weights came from: what `graft advise` and model cards read. */
export interface Provenance {
  /** Task A in words, e.g. "ImageNet classification, then 5 content classes". */
  readonly task?: string;
  /** Number of labelled examples the weights were trained on (m_A), when known. */
  readonly examples?: number;
  /** Name or path of the source model. */
  readonly source?: string;
  /** Licence of the weights, when known. */
  readonly license?: string;
  /** SHA-256 of the backbone's weights, filled by graft. */
  readonly weightsSha256?: string;
  /** Layer the source model was cut at, filled by graft. */
  readonly cutAt?: string;
  /** Pooling appended after the cut, filled by graft. */
  readonly pooling?: Pooling;
}

/**
 * Pooling appended after a cut that leaves a spatial or temporal feature map;
 * `avg+max` concatenates both (twice the features: the mean keeps diffuse
 * evidence, the max a small local one).
 */
export type Pooling = "none" | "avg" | "max" | "avg+max";

/**
 * A trunk that maps an input batch to features. `model` is a LayersModel, so it
 * can be frozen, partly unfrozen or trained from scratch.
 */
export interface Backbone {
  readonly name: string;
  readonly model: tf.LayersModel;
  readonly inputSpec: InputSpec;
  /** Shape of one example's features, without the batch dimension. */
  readonly featureShape: readonly number[];
  readonly provenance: Provenance;
}

// ---------------------------------------------------------------------------
// Heads
// ---------------------------------------------------------------------------

/** What a head factory receives. */
export interface HeadContext {
  readonly featureShape: readonly number[];
  readonly task: Task;
  /** Layer names already taken in the model; head layers must avoid them. */
  readonly takenNames: ReadonlySet<string>;
  /** Seed for the head's initialisers. */
  readonly seed?: number;
}

/**
 * A head: fresh layers applied in order on top of the backbone's features.
 * The last layer produces the task's output (softmax or sigmoid).
 */
export interface Head {
  /** Serialisable description, stored in `graft.json`, e.g. `{ kind: "dense", units: [64] }`. */
  readonly spec: Json;
  readonly layers: readonly tf.layers.Layer[];
}

/** Builds a head from the features it sits on and the task it serves. */
export type HeadFactory = (context: HeadContext) => Head;

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/**
 * Labelled examples that training and evaluation read batch by batch, so
 * plugins can decode files lazily. Labels are class indices into the task's
 * labels (multiclass, binary) or 0/1 rows (multilabel).
 */
export interface Dataset {
  readonly size: number;
  readonly labels: readonly number[] | readonly (readonly number[])[];
  /**
   * Identity of the examples' content (e.g. a hash of file paths and sizes).
   * When present, features computed from this dataset may be cached on disk.
   */
  readonly key?: string;
  /** Inputs of the examples at `indices`, shape `[indices.length, ...exampleShape]`. The caller owns the tensor. */
  batch(indices: readonly number[]): Promise<tf.Tensor> | tf.Tensor;
  /** Releases tensors the dataset holds. */
  dispose?(): void;
}

// ---------------------------------------------------------------------------
// Plugins
// ---------------------------------------------------------------------------

/**
 * What a domain plugin package exports (`vision`, `audio`): a typed,
 * imported value. Core and the CLI never look plugins up by string.
 * `backbones` and `heads` are static, typed indexes of factories
 * (`vision.backbones.mobilenetV2({ alpha: 0.35 })`).
 */
export interface DomainPlugin<
  TBackbones extends object = object,
  THeads extends object = object,
  TRaw = unknown,
> {
  /** Plugin id, e.g. `vision`. Stored in `graft.json`. */
  readonly name: string;
  /** npm package that provides it, e.g. `@graft/vision`. */
  readonly packageName: string;
  /** Input kind the plugin handles. */
  readonly inputKind: InputSpec["kind"];
  /** Rebuilds the preprocessor saved in a model's `graft.json`. */
  restorePreprocessor(config: Json): Preprocessor<TRaw>;
  readonly backbones: TBackbones;
  readonly heads: THeads;
}
