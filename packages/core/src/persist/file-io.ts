import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import { ModelFileError } from "../errors.js";
import { readWeights } from "./read-weights.js";

/** Optional model.json fields carried between the file and the artifacts unchanged. */
const OPTIONAL_ARTIFACT_KEYS = [
  "trainingConfig",
  "userDefinedMetadata",
  "signature",
  "modelInitializer",
  "initializerSignature",
] as const;

/** Name of the topology file of a TF.js Layers model directory. */
export const MODEL_JSON = "model.json";
/** Name of the single weight file graft writes. */
export const WEIGHTS_BIN = "weights.bin";

/**
 * A `tf.io.IOHandler` for a directory on disk that needs no tfjs-node (plain
 * `@tensorflow/tfjs` has no `file://` handler on Node). `save` writes the
 * standard Layers format: `model.json` and one `weights.bin`; `load` reads any
 * TF.js Layers model directory, sharded weights included. `save` alone is not
 * atomic: {@link saveModelDir} wraps it in a temp dir + rename.
 *
 * @example
 * await model.save(fileSystem("out/model"));
 * const again = await tf.loadLayersModel(fileSystem("out/model"));
 */
export function fileSystem(dir: string): tf.io.IOHandler {
  return {
    load: () => loadArtifacts(dir),
    save: (artifacts) => saveArtifacts(dir, artifacts),
  };
}

/** Loads a TF.js Layers model from a directory holding `model.json` and its weight files. */
export function loadLayersModelFromDir(
  dir: string,
  options: Omit<tf.io.LoadOptions, "weightPathPrefix"> = {},
): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystem(dir), options);
}

async function loadArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = path.join(dir, MODEL_JSON);
  const modelJson = await readModelJson(jsonPath);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
  };
  for (const key of OPTIONAL_ARTIFACT_KEYS) {
    if (modelJson[key] != null) Object.assign(artifacts, { [key]: modelJson[key] });
  }
  if (modelJson.weightsManifest != null) {
    const { specs, data } = await readWeights(dir, jsonPath, modelJson.weightsManifest);
    artifacts.weightSpecs = specs;
    artifacts.weightData = data;
  }
  return artifacts;
}

async function readModelJson(jsonPath: string): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    text = await readFile(jsonPath, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ModelFileError(
      missing
        ? "model.json not found: this is not a saved TF.js model directory."
        : `cannot read model.json (${(error as Error).message}).`,
      {
        path: jsonPath,
        fix: "pass the directory a model was saved to (it holds model.json and weight files)",
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`model.json is not valid JSON (${(error as Error).message}).`, {
      path: jsonPath,
      fix: "the file is damaged; save the model again or restore it from a backup",
      cause: error,
    });
  }
  if (
    typeof json !== "object" ||
    json === null ||
    Array.isArray(json) ||
    !("modelTopology" in json) ||
    json.modelTopology == null
  ) {
    throw new ModelFileError(
      "model.json has no modelTopology: expected a TF.js Layers model (format layers-model).",
      {
        path: jsonPath,
        fix: "convert the model with tensorflowjs_converter --output_format tfjs_layers_model",
      },
    );
  }
  const manifest = (json as { weightsManifest?: unknown }).weightsManifest;
  if (manifest != null && !isManifest(manifest)) {
    throw new ModelFileError(
      "model.json has a malformed weightsManifest: expected [{ paths: string[], weights: [...] }].",
      {
        path: jsonPath,
      },
    );
  }
  return json as tf.io.ModelJSON;
}

function isManifest(value: unknown): value is tf.io.WeightsManifestConfig {
  return (
    Array.isArray(value) &&
    value.every(
      (group: { paths?: unknown; weights?: unknown }) =>
        typeof group === "object" &&
        group !== null &&
        Array.isArray(group.paths) &&
        group.paths.every((p) => typeof p === "string") &&
        Array.isArray(group.weights),
    )
  );
}

async function saveArtifacts(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new ModelFileError(
      "fileSystem handler saves Layers models only; got a binary (GraphModel) topology.",
      { path: dir },
    );
  }
  const weightData =
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format ?? "layers-model",
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  for (const key of OPTIONAL_ARTIFACT_KEYS) {
    if (artifacts[key] != null) Object.assign(modelJson, { [key]: artifacts[key] });
  }
  await mkdir(dir, { recursive: true });
  // Weights first: a model.json that exists always points at a complete weights.bin.
  await writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
  const jsonText = JSON.stringify(modelJson);
  await writeFile(path.join(dir, MODEL_JSON), jsonText);
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: "JSON",
      modelTopologyBytes: Buffer.byteLength(JSON.stringify(modelJson.modelTopology)),
      weightSpecsBytes: Buffer.byteLength(JSON.stringify(modelJson.weightsManifest)),
      weightDataBytes: weightData.byteLength,
    },
  };
}
