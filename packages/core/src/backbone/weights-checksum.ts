import { createHash } from "node:crypto";

import type * as tf from "@tensorflow/tfjs";

/**
 * SHA-256 over a model's weights (names, shapes and values, in order): the
 * identity of a backbone for provenance and for feature-cache keys.
 */
export function weightsChecksum(model: tf.LayersModel): string {
  const hash = createHash("sha256");
  for (const weight of model.weights) {
    hash.update(`${weight.originalName}:${weight.shape.join("x")}:${weight.dtype};`);
    const values = weight.read().dataSync();
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest("hex");
}
