import { readFile } from "node:fs/promises";
import path from "node:path";

import { ModelFileError } from "../errors.js";
import type { InputSpec, Json, Provenance, Task } from "../types.js";

/** Name of graft's metadata file inside a saved model directory. */
export const GRAFT_JSON = "graft.json";
/** Newest `graft.json` format this version reads and writes. */
export const MANIFEST_FORMAT_VERSION = 1;

/**
 * `graft.json`: everything besides the weights needed to rebuild a predictor
 * and to explain where the model came from.
 */
export interface GraftManifest {
  formatVersion: 1;
  /** Version of @graft/core that wrote the model. */
  graftVersion: string;
  /** Version of @tensorflow/tfjs that wrote the model. */
  tfjsVersion: string;
  /** Engine the model was trained on (`wasm`, `cpu`, …). */
  engine: string;
  /** ISO 8601 time of the save. */
  createdAt: string;
  /** Domain plugin whose preprocessor the model needs. */
  plugin?: { name: string; packageName: string };
  task: Task;
  /** Preprocessor name and config, passed back to the plugin's `restorePreprocessor`. */
  preprocessing?: { name: string; config: Json };
  inputSpec?: InputSpec;
  backbone: {
    name: string;
    provenance: Provenance;
    /** Layer whose output feeds the head (the cut point). */
    featureLayer: string;
    /** Names of the backbone's layers in the saved model. */
    layerNames: string[];
  };
  head: { spec: Json; layerNames: string[] };
  /**
   * The backbone's freeze policy when the model was created, before any
   * phase ran. Each phase's own policy is in {@link phases}. (Files written
   * before `phases` existed hold here the policy at save time, and repeat
   * each phase's policy in every `schedule` entry.)
   */
  freeze?: Json;
  /** The training phases in the order they ran, each with its freeze policy, epochs and rates. */
  phases?: ManifestPhase[];
  /** Metrics per epoch: `{ phase, epoch, loss, accuracy, val_loss?, val_accuracy? }`. */
  schedule?: Json;
  metrics?: Json;
  /** Calibrated decision threshold (binary, multilabel). */
  threshold?: number;
  extra?: Record<string, Json>;
}

/** One training phase as recorded in `graft.json`. */
export interface ManifestPhase {
  name: string;
  /** Freeze policy of the backbone during the phase (`"frozen"`, `"top:2"`, …). */
  freeze: string;
  /** Epochs it trained. */
  epochs: number;
  /** Learning rate of the head. */
  learningRate: number;
  /** Learning rate of the unfrozen backbone layers, as a multiple of the head's. */
  backboneLrMult: number;
}

/** Reads and validates `graft.json` in a saved model directory. */
export async function readManifest(dir: string): Promise<GraftManifest> {
  const file = path.join(dir, GRAFT_JSON);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ModelFileError(
      missing
        ? "graft.json not found: this directory was not saved by graft."
        : `cannot read graft.json (${(error as Error).message}).`,
      {
        path: file,
        fix: "pass a directory written by graft's save(); a plain TF.js model loads with loadLayersModelFromDir()",
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`graft.json is not valid JSON (${(error as Error).message}).`, {
      path: file,
      fix: "the file is damaged; save the model again or restore graft.json from a backup",
      cause: error,
    });
  }
  return validateManifest(json, file);
}

/**
 * Checks that `json` is a `graft.json` this version understands.
 * @param file path named in the error messages
 * @throws ModelFileError naming the first missing or malformed field, or a format newer than supported
 */
export function validateManifest(json: unknown, file: string): GraftManifest {
  const fail = (
    message: string,
    fix = "graft.json is damaged or was not written by graft; save the model again or restore the file from a backup",
  ): never => {
    throw new ModelFileError(message, { path: file, fix });
  };
  if (!isObject(json)) return fail(`graft.json must hold a JSON object, got ${describe(json)}.`);
  const version = json["formatVersion"];
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    return fail(
      `graft.json field "formatVersion" must be a positive integer, got ${describe(version)}.`,
    );
  }
  if (version > MANIFEST_FORMAT_VERSION) {
    return fail(
      `written by a newer graft (format ${version}); this @graft/core reads format ${MANIFEST_FORMAT_VERSION}. Upgrade @graft/core.`,
      "npm install @graft/core@latest",
    );
  }
  const check = (
    field: string,
    ok: (v: unknown) => boolean,
    expected: string,
    optional = false,
  ): void => {
    const value = field
      .split(".")
      .reduce<unknown>((obj, key) => (isObject(obj) ? obj[key] : undefined), json);
    if (value === undefined && optional) return;
    if (value === undefined) fail(`graft.json is missing field "${field}" (${expected}).`);
    if (!ok(value))
      fail(`graft.json field "${field}" should be ${expected}, got ${describe(value)}.`);
  };
  const isString = (v: unknown): boolean => typeof v === "string";
  const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every(isString);
  for (const field of ["graftVersion", "tfjsVersion", "engine", "createdAt"])
    check(field, isString, "a string");
  check("task", isObject, "an object");
  check(
    "task.kind",
    (v) => v === "multiclass" || v === "binary" || v === "multilabel",
    '"multiclass", "binary" or "multilabel"',
  );
  check(
    "task.labels",
    (v) => isStrings(v) && (v as unknown[]).length > 0,
    "a non-empty list of label names",
  );
  if ((json["task"] as { kind: string }).kind === "binary") {
    check("task.labels", (v) => (v as unknown[]).length === 2, "two labels [negative, positive]");
  }
  check("backbone", isObject, "an object");
  check("backbone.name", isString, "a string");
  check("backbone.provenance", isObject, "an object");
  check("backbone.featureLayer", isString, "a layer name");
  check("backbone.layerNames", isStrings, "a list of layer names");
  check("head", isObject, "an object");
  check("head.spec", (v) => v !== null, "the head's JSON spec");
  check("head.layerNames", isStrings, "a list of layer names");
  check("plugin", isObject, "an object", true);
  check("plugin.name", isString, "a string", !isObject(json["plugin"]));
  check("plugin.packageName", isString, "an npm package name", !isObject(json["plugin"]));
  check("preprocessing", isObject, "an object", true);
  check("preprocessing.name", isString, "a string", !isObject(json["preprocessing"]));
  check(
    "inputSpec.kind",
    (v) => v === "image" || v === "audio" || v === "tensor",
    '"image", "audio" or "tensor"',
    json["inputSpec"] === undefined,
  );
  check(
    "phases",
    isPhases,
    "a list of { name, freeze, epochs, learningRate, backboneLrMult }",
    true,
  );
  check("threshold", (v) => typeof v === "number" && Number.isFinite(v), "a number", true);
  check("extra", isObject, "an object", true);
  return json as unknown as GraftManifest;
}

function isPhases(value: unknown): boolean {
  const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  return (
    Array.isArray(value) &&
    value.every(
      (p) =>
        isObject(p) &&
        typeof p["name"] === "string" &&
        typeof p["freeze"] === "string" &&
        isNumber(p["epochs"]) &&
        isNumber(p["learningRate"]) &&
        isNumber(p["backboneLrMult"]),
    )
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
