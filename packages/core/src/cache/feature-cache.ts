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

/** Cache key: changes whenever weights, cut point, preprocessing or examples change (or any other `parts` do). */
export function featureCacheKey(parts: FeatureKeyParts | Json): string {
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
    const parts: FeatureKeyParts = {
      weightsSha256: backbone.provenance.weightsSha256 ?? "",
      cutAt: backbone.provenance.cutAt ?? backbone.name,
      preprocessing: options.preprocessing ?? null,
      datasetKey: data.key,
    };
    const meta = join(this.dir, `${featureCacheKey(parts)}.json`);
    let shape: number[] | undefined;
    const { values } = await this.floats(parts, async () => {
      const features = await computeFeatures(backbone, data, options.batchSize);
      shape = features.shape;
      const computed = (await features.data()) as Float32Array;
      features.dispose();
      await mkdir(this.dir, { recursive: true });
      await writeAtomically(meta, JSON.stringify(shape));
      return computed;
    });
    shape ??= JSON.parse(await readFile(meta, "utf8")) as number[];
    return tf.tensor(values, shape);
  }

  /**
   * Any float32 array kept on disk under a key made from `parts` (e.g. the
   * features of a long recording, or of augmented clips, plus whatever
   * identifies them): read back when present, else made by `compute` and
   * written atomically for next time.
   */
  async floats(
    parts: Json | FeatureKeyParts,
    compute: () => Promise<Float32Array>,
  ): Promise<{ values: Float32Array; cached: boolean }> {
    const bin = join(this.dir, `${featureCacheKey(parts)}.f32`);
    try {
      const bytes = await readFile(bin);
      return {
        values: new Float32Array(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        ),
        cached: true,
      };
    } catch {
      // Not cached yet (or unreadable): compute below.
    }
    const values = await compute();
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(bin, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return { values, cached: false };
  }
}

/** Runs the backbone in inference mode over `data`, batch by batch. */
export function computeFeatures(
  backbone: Backbone,
  data: Dataset,
  batchSize: number,
): Promise<tf.Tensor> {
  return collectBatches(
    data,
    batchSize,
    (x) => backbone.model.predict(x, { batchSize }) as tf.Tensor,
  );
}

async function writeAtomically(path: string, content: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
