import { readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { ModelFileError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/** The npm package and version whose bundled MobileNetV2 graft loads. */
export const NSFWJS_VERSION = "4.3.0";

interface BundledModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

let artifacts: Promise<tf.io.ModelArtifacts> | undefined;

/**
 * Folder of nsfwjs' bundled Keras MobileNetV2 (`model.min.js` + weight
 * shards), resolved from this package's own dependency: nothing is fetched.
 */
export function nsfwjsModelDir(): string {
  const require = createRequire(import.meta.url);
  // nsfwjs' "exports" hides package.json; its CommonJS entry sits in dist/cjs/.
  const entry = require.resolve("nsfwjs");
  return join(dirname(entry), "..", "models", "mobilenet_v2");
}

/**
 * Reads nsfwjs' MobileNetV2 as TF.js model artifacts: `model.min.js` exports
 * the model.json object and each `group1-shard*.min.js` a base64 weight shard
 * (both CommonJS modules). Read once per process.
 */
export function nsfwjsArtifacts(): Promise<tf.io.ModelArtifacts> {
  artifacts ??= readArtifacts().catch((error: unknown) => {
    artifacts = undefined;
    throw error;
  });
  return artifacts;
}

/** Loads nsfwjs' MobileNetV2 (with its 5-class top) as a LayersModel, offline. */
export async function loadNsfwjsMobileNetV2(): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await nsfwjsArtifacts()));
}

async function readArtifacts(): Promise<tf.io.ModelArtifacts> {
  const dir = nsfwjsModelDir();
  const require = createRequire(import.meta.url);
  try {
    const model = require(join(dir, "model.min.js")) as BundledModelJson;
    const manifest = model.weightsManifest;
    const shardFiles = new Set(await readdir(dir));
    const buffers = manifest.flatMap((group) =>
      group.paths.map((path) => {
        const file = `${path}.min.js`;
        if (!shardFiles.has(file)) throw new Error(`weight shard ${file} is missing`);
        return Buffer.from(require(join(dir, file)) as string, "base64");
      }),
    );
    const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
    let offset = 0;
    for (const b of buffers) {
      weightData.set(b, offset);
      offset += b.length;
    }
    return {
      modelTopology: model.modelTopology,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData: weightData.buffer,
      format: "layers-model",
    };
  } catch (error) {
    throw new ModelFileError(
      `cannot read nsfwjs@${NSFWJS_VERSION}'s bundled MobileNetV2 (${(error as Error).message})`,
      {
        path: dir,
        cause: error,
        fix: `npm install nsfwjs@${NSFWJS_VERSION} (4.4.0 needs Node 22)`,
      },
    );
  }
}
