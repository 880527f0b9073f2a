import { readFile } from "node:fs/promises";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import { ModelFileError } from "../errors.js";

/**
 * Reads every weight file a `weightsManifest` lists (paths relative to `dir`)
 * into one buffer, checking each group holds as many bytes as its specs need.
 */
export async function readWeights(
  dir: string,
  jsonPath: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    let groupBytes = 0;
    let lastFile = jsonPath;
    for (const shard of group.paths) {
      const file = path.resolve(dir, shard);
      if (path.relative(path.resolve(dir), file).startsWith("..") || path.isAbsolute(shard)) {
        throw new ModelFileError(`weight file "${shard}" lies outside the model directory.`, {
          path: jsonPath,
          fix: "weight paths in model.json must be relative to the directory that holds model.json",
        });
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new ModelFileError(
          `weight file "${shard}" listed in model.json cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
          {
            path: file,
            fix: "copy every file of the model directory together (model.json and all weight files)",
            cause: error,
          },
        );
      }
      buffers.push(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      );
      groupBytes += bytes.byteLength;
      lastFile = file;
    }
    const expected = expectedBytes(group.weights);
    if (expected !== undefined && groupBytes < expected) {
      throw new ModelFileError(
        `weight files are too short: expected ${expected} bytes for ${group.weights.length} weights, found ${groupBytes}.`,
        {
          path: lastFile,
          fix: "the model was not saved completely or was truncated in transfer; save or copy it again",
        },
      );
    }
    specs.push(...group.weights);
  }
  return { specs, data: tf.io.CompositeArrayBuffer.join(buffers) };
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
  int8: 1,
  int16: 2,
};

/** Total bytes a weight group needs, or undefined when it cannot be known up front (strings). */
function expectedBytes(weights: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const w of weights) {
    const bytes = DTYPE_BYTES[w.quantization?.dtype ?? w.dtype];
    if (bytes === undefined) return undefined;
    total += w.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}
