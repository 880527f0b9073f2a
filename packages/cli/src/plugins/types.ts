import type {
  Backbone,
  Dataset,
  DomainPlugin,
  HeadFactory,
  InputSpec,
  Json,
  Pooling,
  Preprocessor,
} from "@graft/core";

/** Labelled inputs read from a folder (one sub-folder per class) or a manifest. */
export interface LabelledInputs {
  readonly inputs: string[];
  /** Index into `classNames` for each input. */
  readonly labels: number[];
  /** Sorted class names. */
  readonly classNames: string[];
}

/** Options a plugin reads from the command line to build a preprocessor or a fresh backbone. */
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
  /** Channels of the speech backbone's blocks / filters of small CNN blocks. */
  readonly width?: number;
  readonly blocks?: number;
  readonly seed?: number;
}

/**
 * What the CLI needs from a domain plugin, on top of core's `DomainPlugin`:
 * how to read data, build a preprocessor for a backbone and make a fresh
 * backbone. One adapter per plugin package, loaded lazily.
 */
export interface CliPlugin {
  readonly plugin: DomainPlugin;
  readonly kind: "image" | "audio";
  /** File extensions `predict` picks up in a directory. */
  readonly extensions: readonly string[];
  readLabelled(path: string): Promise<LabelledInputs>;
  /** The preprocessor a model saved with `preprocessing` (name + config) was trained with. */
  restore(config: Json): Preprocessor;
  /** A preprocessor that feeds `spec` (a plugin spec, or a tensor shape from a plain model.json). */
  preprocessorFor(spec: InputSpec | undefined, options: PluginOptions): Preprocessor;
  /** Backbone input spec matching a preprocessor, for models cut from a plain model.json. */
  specFor(preprocessor: Preprocessor): InputSpec;
  dataset(
    inputs: readonly string[],
    labels: readonly number[],
    preprocessor: Preprocessor,
    options?: { augment?: boolean; seed?: number },
  ): Promise<Dataset>;
  /** Backbones `graft pretrain --backbone` can create, first is the default. */
  readonly backboneNames: readonly string[];
  freshBackbone(name: string, preprocessor: Preprocessor, options: PluginOptions): Backbone;
  /** Plugin-specific heads by name (e.g. `wake-word`), or undefined. */
  head?(name: string, units: readonly number[], dropout: number): HeadFactory | undefined;
  /** Built-in pre-trained sources for `graft transfer --backbone`. */
  readonly builtins: Readonly<
    Record<string, (cut: CutSpec, pooling: Pooling) => Promise<Backbone>>
  >;
}

/** Where to cut a source model: at a named layer, or before its last N layers. */
export type CutSpec = { readonly at: string } | { readonly dropLast: number } | undefined;
