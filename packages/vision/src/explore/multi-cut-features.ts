import { ConfigError, type Dataset, type FeatureCandidate } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/** Pooling of a candidate feature map: global average, global max, or both concatenated. */
export type CandidatePooling = "avg" | "max" | "avg+max";

/** Options of {@link multiCutFeatures}. */
export interface MultiCutFeaturesOptions {
  /** Layers to read, by name, e.g. `["block_6_expand_relu", "out_relu"]`. */
  cuts: readonly string[];
  /** @default ["avg", "max", "avg+max"] */
  poolings?: readonly CandidatePooling[];
  /** Images per backbone pass. @default 16 */
  batchSize?: number;
  /** Called after each batch with the number of images done. */
  onBatch?: (done: number, total: number) => void;
}

/**
 * Features of every image of `data` at several cut points of `model` with
 * several poolings, from ONE forward pass per batch: a model with one output
 * per cut shares `model`'s layers, and each output is pooled in every way
 * asked. Returns one candidate per (cut, pooling), cut-major; the caller
 * disposes their `features`.
 */
export async function multiCutFeatures(
  model: tf.LayersModel,
  data: Dataset,
  { cuts, poolings = ["avg", "max", "avg+max"], batchSize = 16, onBatch }: MultiCutFeaturesOptions,
): Promise<FeatureCandidate[]> {
  const outputs = cuts.map((name) => {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) {
      throw new ConfigError(
        `multiCutFeatures: no layer named "${name}" in model "${model.name}".`,
        {
          fix: `pick cuts among: ${model.layers
            .map((l) => l.name)
            .filter((n) => /relu|add|project_BN/.test(n))
            .join(", ")}`,
        },
      );
    }
    const output = layer.output;
    if (Array.isArray(output) || output.shape.length !== 4) {
      throw new ConfigError(
        `multiCutFeatures: layer "${name}" must output one feature map [batch, height, width, channels], got ${Array.isArray(output) ? `${output.length} outputs` : `shape [${output.shape.join(", ")}]`}.`,
      );
    }
    return output;
  });
  // Shares model's layers and weights; it owns none, so it is not disposed.
  const reader = tf.model({ inputs: model.inputs, outputs });
  const parts: tf.Tensor2D[][] = cuts.flatMap(() => poolings.map(() => []));
  try {
    for (let start = 0; start < data.size; start += batchSize) {
      const indices = Array.from(
        { length: Math.min(batchSize, data.size - start) },
        (_, i) => start + i,
      );
      const x = await data.batch(indices);
      const pooled = tf.tidy(() => {
        const maps = reader.predict(x);
        const list = (Array.isArray(maps) ? maps : [maps]) as tf.Tensor4D[];
        return list.flatMap((map) => poolings.map((p) => pool(map, p)));
      });
      x.dispose();
      pooled.forEach((t, i) => parts[i]?.push(t));
      onBatch?.(start + indices.length, data.size);
    }
    return cuts.flatMap((cut, c) =>
      poolings.map((pooling, p) => {
        const chunks = parts[c * poolings.length + p] ?? [];
        const features = chunks.length === 1 ? (chunks[0] as tf.Tensor2D) : tf.concat(chunks, 0);
        return { cut, pooling, features };
      }),
    );
  } finally {
    for (const chunks of parts) if (chunks.length > 1) tf.dispose(chunks);
  }
}

function pool(map: tf.Tensor4D, pooling: CandidatePooling): tf.Tensor2D {
  if (pooling === "avg") return map.mean([1, 2]);
  if (pooling === "max") return map.max([1, 2]);
  return tf.concat([map.mean([1, 2]), map.max([1, 2])], 1) as tf.Tensor2D;
}
