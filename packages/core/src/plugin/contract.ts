import type * as tf from "@tensorflow/tfjs";

import type { Predictor } from "../predict/predictor.js";
import type { MapHead } from "../probe/explore-maps.js";
import type {
  Backbone,
  Dataset,
  DomainPlugin,
  HeadFactory,
  InputSpec,
  Json,
  Pooling,
  Preprocessor,
} from "../types.js";

/**
 * The contract between a domain plugin and a tool that drives it (the graft
 * CLI, a notebook, a service): everything such a tool needs to read data,
 * build models and report on them, without knowing whether the inputs are
 * images, sound or anything else. A plugin package exports one value of this
 * type as `graftPlugin`; the tool imports the package by name and uses only
 * this value.
 */
export interface PluginContract {
  /** The typed plugin value (name, package, preprocessor restore, backbone and head indexes). */
  readonly plugin: DomainPlugin;
  /** Input kind this plugin reads: matches `InputSpec["kind"]` of its backbones. */
  readonly kind: InputSpec["kind"];
  /** Inputs in words, for messages: "images", "audio clips". */
  readonly inputsInWords: string;
  /** File extensions of inputs, lower case with the dot: [".png", ".jpg"]. */
  readonly extensions: readonly string[];
  /** Reads a folder with one sub-folder per class, or a manifest file. */
  readLabelled(path: string): Promise<LabelledInputs>;
  /** The preprocessor a saved model was trained with (from `graft.json`). */
  restore(config: Json): Preprocessor;
  /** A preprocessor that feeds `spec` (this plugin's spec, a plain tensor shape, or none for fresh backbones). */
  preprocessorFor(spec: InputSpec | undefined, options: PluginOptions): Preprocessor;
  /** Backbone input spec matching a preprocessor, for models cut from a plain model.json. */
  specFor(preprocessor: Preprocessor): InputSpec;
  /** How this plugin turns raw inputs into what `spec` expects, in words (for `graft advise`). */
  adapterFor(spec: InputSpec): string;
  dataset(
    inputs: readonly string[],
    labels: readonly number[],
    preprocessor: Preprocessor,
    options?: DatasetOptions,
  ): Promise<Dataset>;
  /** Fresh backbones by name; the first is the default. */
  readonly backboneNames: readonly string[];
  freshBackbone(name: string, preprocessor: Preprocessor, options: PluginOptions): Backbone;
  /** Plugin-specific heads by name (e.g. `wake-word`), or undefined when the name is not one. */
  head?(name: string, units: readonly number[], dropout: number): HeadFactory | undefined;
  /** How to ask for this plugin's own heads, for help texts: "--head wake-word:64:32". */
  readonly headHint?: string;
  /**
   * The head named `name` when it reads a whole, unpooled feature map
   * (vision's `mil`), as the cut-point explorer cross-validates it; undefined
   * for other names. A tool cuts without pooling for such a head when the
   * user left pooling to it, and the explorer ranks it on every cut's map.
   */
  mapHead?(name: string): MapHead | undefined;
  /** Built-in pre-trained sources by CLI name, each with its input spec and provenance inside. */
  readonly builtins: Readonly<Record<string, BuiltinSource>>;
  /**
   * Candidate cut points of `model` for the cut-point explorer, shallow to
   * deep, when this plugin knows its architecture (vision: MobileNetV2's
   * blocks 3, 6, 10, 13 and `out_relu`); undefined lets the tool fall back to
   * core's `evenlySpacedCuts`.
   */
  candidateCuts?(model: tf.LayersModel): readonly string[] | undefined;
  /** Detection on long recordings (false accepts per hour), for plugins whose binary models detect events. */
  readonly detection?: DetectionHooks;
  /** Extra sections of a model's HTML report (Grad-CAM gallery, false-alarm snippets). */
  reportSections?(predictor: Predictor, inputs: ReportInputs): Promise<ReportSection[]>;
}

/** Labelled inputs read from a folder (one sub-folder per class) or a manifest. */
export interface LabelledInputs {
  readonly inputs: string[];
  /** Index into `classNames` for each input. */
  readonly labels: number[];
  /** Sorted class names. */
  readonly classNames: string[];
}

/** Dataset options every plugin accepts. */
export interface DatasetOptions {
  /** Random augmentation of training inputs. */
  readonly augment?: boolean;
  readonly seed?: number;
}

/** Options a tool reads from its user to build a preprocessor or a fresh backbone; each plugin reads its own. */
export interface PluginOptions {
  /** Square image side (vision). */
  readonly inputSize?: number;
  readonly channels?: 1 | 3;
  readonly normalization?: "unit" | "symmetric" | "imagenet";
  readonly alpha?: number;
  /** Audio features. */
  readonly feature?: "log-mel" | "mfcc";
  readonly bands?: number;
  readonly clipSeconds?: number;
  readonly sampleRate?: number;
  /** Width of a fresh backbone's first block. */
  readonly width?: number;
  readonly blocks?: number;
  readonly seed?: number;
}

/** Where to cut a source model: at a named layer, or before its last N layers. */
export type CutSpec = { readonly at: string } | { readonly dropLast: number } | undefined;

/** A built-in pre-trained source: what it takes (known without loading weights) and how to build it. */
export interface BuiltinSource {
  /** The input the source takes at its default size. */
  readonly inputSpec: InputSpec;
  /**
   * True when the source can be rebuilt at another input size (a fully
   * convolutional network); `build` then honours `options.inputSize`.
   */
  readonly resizable?: boolean;
  /** Loads the weights, cut and pooled as asked (at `options.inputSize` when resizable). */
  build(cut: CutSpec, pooling: Pooling, options?: PluginOptions): Promise<Backbone>;
}

/** How long recordings are scored and detections counted. */
export interface DetectionSettings {
  /** Time between scored windows. */
  readonly hopSeconds: number;
  /** Moving average of the posteriors, in windows. */
  readonly smoothing: number;
  /** Silence after each detection. */
  readonly refractorySeconds: number;
}

/** One point of a detection-error-tradeoff curve. */
export interface DetectionPoint {
  readonly threshold: number;
  readonly frr: number;
  readonly faPerHour: number;
}

/** False rejects on positive clips and false accepts on negative recordings, at one threshold. */
export interface DetectionMetrics {
  readonly threshold: number;
  readonly frr: number | null;
  readonly falseAccepts: number;
  readonly faPerHour: number | null;
  readonly negativeSeconds: number;
  readonly det: readonly DetectionPoint[];
}

/** One detection in a stream. */
export interface StreamDetection {
  /** Seconds from the start of the recording to the event. */
  readonly time: number;
  /** Seconds of audio the detector had heard when it fired. */
  readonly end: number;
  readonly score: number;
}

/** What a detecting plugin offers: defaults, metrics over recordings, and live listening. */
export interface DetectionHooks {
  readonly defaults: DetectionSettings;
  /** FRR on `positiveScores` and false accepts per hour on `negatives` (files), at `threshold`. */
  measure(
    model: tf.LayersModel,
    preprocessor: Preprocessor | undefined,
    positiveScores: readonly number[],
    negatives: readonly string[],
    threshold: number,
    settings?: DetectionSettings,
  ): Promise<DetectionMetrics>;
  /** Streams `file` through the model chunk by chunk, as a live detector would. */
  listen(
    predictor: Predictor,
    file: string,
    options: ListenOptions,
  ): Promise<{ readonly seconds: number; readonly sampleRate: number }>;
}

/** Options of {@link DetectionHooks.listen}. */
export interface ListenOptions extends DetectionSettings {
  readonly threshold: number;
  readonly chunkSeconds: number;
  readonly signal?: AbortSignal;
  onDetection(detection: StreamDetection): void;
}

/** Inputs a plugin may use for its report sections. */
export interface ReportInputs {
  /** Held-out inputs and their labels (from `graft.json` or the user). */
  readonly files: readonly string[];
  readonly labels: readonly number[];
  /** Negative recordings, for detecting plugins. */
  readonly negatives: readonly string[];
  /** Most items per gallery. */
  readonly limit: number;
}

/** An HTML section of a report; `body` is trusted HTML the plugin escaped itself. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}
