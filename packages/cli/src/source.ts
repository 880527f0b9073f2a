import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";

import {
  cutBackbone,
  cutSavedModel,
  loadLayersModelFromDir,
  loadModelDir,
  releaseUnusedLayers,
  type Backbone,
  type GraftManifest,
  type InputSpec,
  type Pooling,
  type Preprocessor,
} from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import { UsageError } from "./errors.js";
import { importOnnxFile, registerOnnxLayersFor } from "./onnx-layers.js";
import { builtinSource, loadPlugin, pluginForKind, pluginForManifest } from "./plugins/index.js";
import type { CliPlugin, CutSpec, PluginOptions } from "./plugins/types.js";

/** Where task A's weights come from. */
export interface SourceOptions {
  readonly from?: string;
  readonly backbone?: string;
  readonly cut?: CutSpec;
  readonly pooling: Pooling | "auto";
  /** The `--head` name when it is a plugin's head: one that reads a whole map turns `auto` pooling into none. */
  readonly pluginHead?: string;
  readonly plugin?: string;
  readonly sourceTask?: string;
  readonly sourceExamples?: number;
  readonly pluginOptions: PluginOptions;
}

/** A cut backbone with the plugin and preprocessor that feed it. */
export interface ResolvedSource {
  readonly backbone: Backbone;
  readonly plugin: CliPlugin;
  readonly preprocessor: Preprocessor;
  /** The source, in words, for logs and graft.json. */
  readonly description: string;
  /** The saved model's manifest, when the source is a graft model. */
  readonly manifest?: GraftManifest;
}

/** What `--from` points at. */
export type SourceKind = "graft" | "layers" | "onnx";

/**
 * Classifies `--from`: a graft model directory, a TF.js Layers model (its directory or
 * model.json), or an ONNX file (`dir` is then the file itself).
 */
export async function sourceKind(from: string): Promise<{ kind: SourceKind; dir: string }> {
  const info = await stat(from).catch(() => undefined);
  if (!info)
    throw new UsageError(
      `--from ${from}: no such file or directory.`,
      "pass a directory saved by graft, a TF.js model.json, an ONNX model file (.onnx), or --backbone nsfwjs-mobilenetv2",
    );
  if (info.isFile() && path.extname(from).toLowerCase() === ".onnx")
    return { kind: "onnx", dir: from };
  const dir = info.isDirectory() ? from : path.dirname(from);
  if (info.isFile() && path.basename(from) !== "model.json")
    throw new UsageError(
      `--from ${from}: expected a directory, a model.json file or an .onnx file.`,
      "pass a graft model directory, a TF.js Layers model.json, or an ONNX model ending in .onnx",
    );
  if (existsSync(path.join(dir, "graft.json"))) return { kind: "graft", dir };
  if (existsSync(path.join(dir, "model.json"))) return { kind: "layers", dir };
  throw new UsageError(
    `--from ${from}: neither graft.json nor model.json is there.`,
    "pass a directory saved by graft, or a TF.js Layers model directory",
  );
}

/** Loads and cuts the source backbone named by `--from` or `--backbone`. */
export async function resolveSource(options: SourceOptions): Promise<ResolvedSource> {
  if (options.from && options.backbone)
    throw new UsageError("pass either --from or --backbone, not both.");
  if (options.backbone) return builtin(options.backbone, options);
  if (!options.from)
    throw new UsageError(
      "transfer needs a source model.",
      "pass --from <graft model dir | model.json> or --backbone nsfwjs-mobilenetv2",
    );
  const { kind, dir } = await sourceKind(options.from);
  if (kind === "graft") return fromGraftDir(dir, options);
  if (kind === "onnx") return fromOnnxModel(dir, options);
  return fromLayersModel(dir, options);
}

async function builtin(name: string, options: SourceOptions): Promise<ResolvedSource> {
  const { plugin, make } = await builtinSource(name);
  if (options.plugin) {
    const forced = await loadPlugin(options.plugin);
    if (forced.plugin.name !== plugin.plugin.name)
      throw new UsageError(
        `--backbone ${name} takes ${plugin.inputsInWords}, but --plugin says ${forced.plugin.packageName} (${forced.inputsInWords}).`,
        `drop --plugin, or use --plugin ${plugin.plugin.packageName}`,
      );
  }
  const size = options.pluginOptions.inputSize;
  if (size !== undefined && !make.resizable)
    throw new UsageError(
      `--backbone ${name} takes a fixed input size, so --input-size ${size} cannot apply.`,
      "drop --input-size",
    );
  const pooling = resolvePooling(plugin, options);
  const backbone = await make.build(
    options.cut,
    pooling === "auto" ? "avg" : pooling,
    options.pluginOptions,
  );
  const preprocessor = plugin.preprocessorFor(backbone.inputSpec, options.pluginOptions);
  return {
    backbone,
    plugin,
    preprocessor,
    description: `${name} (${backbone.provenance.source ?? "built in"})`,
  };
}

async function fromGraftDir(dir: string, options: SourceOptions): Promise<ResolvedSource> {
  if (options.pluginOptions.inputSize !== undefined)
    throw new UsageError(
      `--input-size applies to fresh backbones and resizable built-in sources; ${dir} keeps the input size it was trained at.`,
      "drop --input-size (or pass --backbone nsfwjs-mobilenetv2 --input-size <px>)",
    );
  await registerOnnxLayersFor(dir);
  const { model, manifest } = await loadModelDir(dir);
  const plugin = await pluginForManifest(manifest, options.plugin);
  const backbone = cutSavedModel(model, manifest, dir, {
    ...options.cut,
    pooling: resolvePooling(plugin, options),
  });
  releaseUnusedLayers(model, backbone);
  const samePlugin = manifest.plugin?.name === plugin.plugin.name && manifest.preprocessing;
  const preprocessor =
    samePlugin && manifest.preprocessing
      ? plugin.restore(manifest.preprocessing.config)
      : plugin.preprocessorFor(backbone.inputSpec, options.pluginOptions);
  return { backbone, plugin, preprocessor, description: `graft model ${dir}`, manifest };
}

async function fromLayersModel(dir: string, options: SourceOptions): Promise<ResolvedSource> {
  refuseInputSize(`${dir}/model.json`, options);
  await registerOnnxLayersFor(dir);
  const model = await loadLayersModelFromDir(dir);
  return layersBackbone(model, `${dir}/model.json`, dir, options, `TF.js Layers model ${dir}`);
}

/** An ONNX file, imported as TF.js layers (4-D image inputs become channels-last). */
async function fromOnnxModel(file: string, options: SourceOptions): Promise<ResolvedSource> {
  refuseInputSize(file, options);
  const model = await importOnnxFile(file);
  return layersBackbone(model, file, file, options, `ONNX model ${file}`);
}

/** `--pooling auto` before a head that scores every location of the map (the plugin names such heads) keeps the map. */
function resolvePooling(plugin: CliPlugin, options: SourceOptions): Pooling | "auto" {
  if (options.pooling !== "auto" || options.pluginHead === undefined) return options.pooling;
  return plugin.mapHead?.(options.pluginHead) ? "none" : "auto";
}

/** `--input-size` cannot resize a model file's fixed input. */
function refuseInputSize(what: string, options: SourceOptions): void {
  if (options.pluginOptions.inputSize !== undefined)
    throw new UsageError(
      `--input-size applies to fresh backbones and resizable built-in sources; ${what} has a fixed input.`,
      "drop --input-size",
    );
}

/** Picks the plugin for a Layers model's input, then cuts it into a backbone. */
async function layersBackbone(
  model: tf.LayersModel,
  what: string,
  source: string,
  options: SourceOptions,
  description: string,
): Promise<ResolvedSource> {
  const shape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? -1);
  // Without --plugin, a [h, w, 3] input can only be an image.
  const plugin = options.plugin
    ? await loadPlugin(options.plugin)
    : shape.length === 3 && shape[2] === 3
      ? await pluginForKind("image")
      : undefined;
  if (!plugin) {
    model.dispose();
    throw new UsageError(
      `cannot tell what kind of input ${what} (input [${shape.join(", ")}]) takes.`,
      "pass --plugin with the plugin that reads its inputs, e.g. --plugin @graft/audio",
    );
  }
  try {
    const tensorSpec: InputSpec = { kind: "tensor", shape };
    const preprocessor = plugin.preprocessorFor(tensorSpec, options.pluginOptions);
    const pooling = resolvePooling(plugin, options);
    const backbone = cutAndFree(model, options.cut ?? { dropLast: 1 }, pooling, {
      name: model.name,
      inputSpec: plugin.specFor(preprocessor),
      provenance: {
        source: path.resolve(source),
        ...(options.sourceTask ? { task: options.sourceTask } : {}),
        ...(options.sourceExamples ? { examples: options.sourceExamples } : {}),
      },
    });
    return { backbone, plugin, preprocessor, description };
  } catch (error) {
    // A bad --cut or an input the plugin cannot read: free the weights before reporting.
    model.dispose();
    throw error;
  }
}

/** Cuts `model` and frees the layers left behind. */
function cutAndFree(
  model: tf.LayersModel,
  cut: NonNullable<CutSpec>,
  pooling: Pooling | "auto",
  rest: Omit<Parameters<typeof cutBackbone>[1] & object, "at" | "dropLast" | "pooling">,
): Backbone {
  const backbone = cutBackbone(model, { ...cut, pooling, ...rest });
  releaseUnusedLayers(model, backbone);
  return backbone;
}
