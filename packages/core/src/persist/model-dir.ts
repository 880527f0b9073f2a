import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import { ModelFileError } from "../errors.js";
import { recoverDir, writeDirAtomically } from "./atomic-dir.js";
import { acquireDirLock } from "./dir-lock.js";
import { fileSystem } from "./file-io.js";
import { GRAFT_JSON, MANIFEST_FORMAT_VERSION, readManifest, validateManifest } from "./manifest.js";
import type { GraftManifest } from "./manifest.js";

/** A manifest to save: versions, engine and time are filled in when left out. */
export type ManifestInput = Omit<
  GraftManifest,
  "formatVersion" | "graftVersion" | "tfjsVersion" | "engine" | "createdAt"
> &
  Partial<Pick<GraftManifest, "graftVersion" | "tfjsVersion" | "engine" | "createdAt">>;

/** A model and its manifest, as read back by {@link loadModelDir}. */
export interface LoadedModelDir {
  model: tf.LayersModel;
  manifest: GraftManifest;
}

/**
 * Saves `model` (TF.js Layers format: `model.json` + `weights.bin`) and its
 * `graft.json` to `dir`, atomically: an interrupted save leaves the previous
 * model in place. Refuses while another process holds the directory's lock.
 * @returns the manifest as written
 */
export async function saveModelDir(
  dir: string,
  model: tf.LayersModel,
  manifest: ManifestInput,
): Promise<GraftManifest> {
  const full: GraftManifest = {
    ...manifest,
    formatVersion: MANIFEST_FORMAT_VERSION,
    graftVersion: manifest.graftVersion ?? graftVersion(),
    tfjsVersion: manifest.tfjsVersion ?? tf.version.tfjs,
    engine: manifest.engine ?? tf.getBackend(),
    createdAt: manifest.createdAt ?? new Date().toISOString(),
  };
  // Catch a bad manifest before touching the directory.
  validateManifest(JSON.parse(JSON.stringify(full)), path.join(dir, GRAFT_JSON));
  const lock = await acquireDirLock(dir);
  try {
    await writeDirAtomically(dir, async (tmp) => {
      await model.save(fileSystem(tmp));
      await writeFile(path.join(tmp, GRAFT_JSON), `${JSON.stringify(full, null, 2)}\n`);
    });
  } finally {
    await lock.release();
  }
  return full;
}

/**
 * Loads a model directory written by {@link saveModelDir}, after repairing
 * what an interrupted save may have left.
 * @throws ModelFileError when `graft.json` or the model files are missing or malformed
 */
export async function loadModelDir(dir: string): Promise<LoadedModelDir> {
  await recoverDir(dir);
  if (!existsSync(dir)) {
    throw new ModelFileError("model directory not found.", {
      path: path.resolve(dir),
      fix: "pass the directory given to save(); check the path and the working directory",
    });
  }
  const manifest = await readManifest(dir);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(fileSystem(dir));
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(
      `model.json could not be turned into a model: ${(error as Error).message}`,
      {
        path: path.join(dir, "model.json"),
        fix: "the model may use a custom layer: import the plugin that defines it before loading",
        cause: error,
      },
    );
  }
  return { model, manifest };
}

let cachedVersion: string | undefined;

function graftVersion(): string {
  if (cachedVersion === undefined) {
    try {
      // Two levels up from src/persist/ and from dist/persist/ alike.
      const pkg = JSON.parse(
        readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
      ) as { version?: string };
      cachedVersion = pkg.version ?? "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
