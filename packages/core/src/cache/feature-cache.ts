import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";

import { collectBatches } from "../data/tensor-dataset.js";
import type { Backbone, Dataset, Json } from "../types.js";

/** What identifies a backbone's features for a dataset. */
export interface FeatureKeyParts {
  readonly weightsSha256: string;
  readonly cutAt: string;
  readonly preprocessing: Json;
  readonly datasetKey: string;
}

/** Cache key: changes whenever weights, cut point, preprocessing or examples change. */
export function featureCacheKey(parts: FeatureKeyParts): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/**
 * Keeps backbone features on disk (`<dir>/<key>.f32` + `<key>.json`) so a
 * frozen backbone runs once per example across runs. Only datasets with a
 * `key` are cached on disk; others are computed (and held in memory by `fit`).
 */
export class FeatureCache {
  constructor(readonly dir: string) {}

  /** Features of every example in `data`, from disk when present. The caller owns the tensor. */
  async features(
    backbone: Backbone,
    data: Dataset,
    options: { batchSize: number; preprocessing?: Json },
  ): Promise<tf.Tensor> {
    if (data.key === undefined) return computeFeatures(backbone, data, options.batchSize);
    const key = featureCacheKey({
      weightsSha256: backbone.provenance.weightsSha256 ?? "",
      cutAt: backbone.provenance.cutAt ?? backbone.name,
      preprocessing: options.preprocessing ?? null,
      datasetKey: data.key,
    });
    const bin = join(this.dir, `${key}.f32`);
    const meta = join(this.dir, `${key}.json`);
    try {
      const shape = JSON.parse(await readFile(meta, "utf8")) as number[];
      const bytes = await readFile(bin);
      const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      if (values.length === shape.reduce((a, b) => a * b, 1)) return tf.tensor(values, shape);
    } catch {
      // Not cached yet (or unreadable): compute below.
    }
    const features = await computeFeatures(backbone, data, options.batchSize);
    await mkdir(this.dir, { recursive: true });
    const values = await features.data();
    await writeAtomically(bin, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    await writeAtomically(meta, JSON.stringify(features.shape));
    return features;
  }
}

/** Runs the backbone in inference mode over `data`, batch by batch. */
export function computeFeatures(backbone: Backbone, data: Dataset, batchSize: number): Promise<tf.Tensor> {
  return collectBatches(data, batchSize, (x) => backbone.model.predict(x, { batchSize }) as tf.Tensor);
}

async function writeAtomically(path: string, content: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
