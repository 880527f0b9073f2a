import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import type { Dataset } from "../types.js";
import type { FeatureCandidate } from "./explore.js";

/** Pooling of a candidate feature map: global average, global max, or both concatenated. */
export type CandidatePooling = "avg" | "max" | "avg+max";

/** Options of {@link multiCutFeatures}. */
export interface MultiCutFeaturesOptions {
  /** Layers to read, by name, e.g. `["block_6_expand_relu", "out_relu"]`. */
  cuts: readonly string[];
  /** @default ["avg", "max", "avg+max"] */
  poolings?: readonly CandidatePooling[];
  /** Examples per backbone pass. @default 16 */
  batchSize?: number;
  /** Called after each batch with the number of examples done. */
  onBatch?: (done: number, total: number) => void;
}

/** Layers of `model` whose single output is a map to pool: `[batch, h, w, c]` or `[batch, steps, c]`. */
export function poolableLayers(model: tf.LayersModel): string[] {
  const inputs = new Set(model.inputLayers.map((l) => l.name));
  return model.layers
    .filter((l) => !inputs.has(l.name))
    .filter((l) => {
      const out = l.output;
      return !Array.isArray(out) && (out.shape.length === 4 || out.shape.length === 3);
    })
    .map((l) => l.name);
}

/**
 * Candidate cuts for any model: `count` layers spread evenly over its
 * poolable layers, shallow to deep, always ending with the deepest. The
 * fallback when a plugin knows nothing better about the architecture.
 */
export function evenlySpacedCuts(model: tf.LayersModel, count = 5): string[] {
  const names = poolableLayers(model);
  if (names.length <= count) return names;
  const picked = new Set<string>();
  for (let i = 1; i <= count; i++) {
    picked.add(names[Math.round((i * (names.length - 1)) / count)] as string);
  }
  return names.filter((n) => picked.has(n));
}

/**
 * Features of every example of `data` at several cut points of `model` with
 * several poolings, from ONE forward pass per batch: a model with one output
 * per cut shares `model`'s layers, and each output is pooled in every way
 * asked (over height and width of a 4-D map, over steps of a 3-D one).
 * Returns one candidate per (cut, pooling), cut-major; the caller disposes
 * their `features`.
 */
export async function multiCutFeatures(
  model: tf.LayersModel,
  data: Dataset,
  { cuts, poolings = ["avg", "max", "avg+max"], batchSize = 16, onBatch }: MultiCutFeaturesOptions,
): Promise<FeatureCandidate[]> {
  const features = await readCuts(model, data, cuts, { batchSize, onBatch }, (maps) =>
    maps.flatMap((map) => poolings.map((p) => poolMap(map, p))),
  );
  return cuts.flatMap((cut, c) =>
    poolings.map((pooling, p) => ({
      cut,
      pooling,
      features: features[c * poolings.length + p] as tf.Tensor2D,
    })),
  );
}

/** The whole feature map of every example at one cut. */
export interface CutMaps {
  readonly cut: string;
  /** `[n, height, width, channels]` or `[n, steps, channels]`; owned by the caller. */
  readonly maps: tf.Tensor;
}

/**
 * The unpooled maps of every example at several cuts, from one forward pass
 * per batch (as {@link multiCutFeatures}), for heads that read every location.
 * They take n × height × width × channels floats per cut: keep the
 * number of examples small (a few hundred) for early cuts at large sizes.
 */
export async function multiCutMaps(
  model: tf.LayersModel,
  data: Dataset,
  { cuts, batchSize = 16, onBatch }: Omit<MultiCutFeaturesOptions, "poolings">,
): Promise<CutMaps[]> {
  const maps = await readCuts(model, data, cuts, { batchSize, onBatch }, (m) => m);
  return cuts.map((cut, c) => ({ cut, maps: maps[c] as tf.Tensor }));
}

/** Global pooling of a batch of maps (height and width of a 4-D map, steps of a 3-D one) into `[batch, d]`. */
export function poolMap(map: tf.Tensor, pooling: CandidatePooling): tf.Tensor2D {
  return tf.tidy(() => {
    const axes = map.rank === 4 ? [1, 2] : [1];
    if (pooling === "avg") return map.mean(axes) as tf.Tensor2D;
    if (pooling === "max") return map.max(axes) as tf.Tensor2D;
    return tf.concat([map.mean(axes), map.max(axes)], 1) as tf.Tensor2D;
  });
}

/**
 * One forward pass per batch through a reader with one output per cut;
 * `perBatch` turns the batch's maps into the tensors to keep (inside a tidy),
 * and those are concatenated over batches, in order.
 */
async function readCuts(
  model: tf.LayersModel,
  data: Dataset,
  cuts: readonly string[],
  { batchSize, onBatch }: Pick<MultiCutFeaturesOptions, "batchSize" | "onBatch">,
  perBatch: (maps: tf.Tensor[]) => tf.Tensor[],
): Promise<tf.Tensor[]> {
  const outputs = cuts.map((name) => cutOutput(model, name));
  // Shares model's layers and weights; it owns none, so it is not disposed.
  const reader = tf.model({ inputs: model.inputs, outputs });
  const step = batchSize ?? 16;
  let parts: tf.Tensor[][] | undefined;
  try {
    for (let start = 0; start < data.size; start += step) {
      const indices = Array.from(
        { length: Math.min(step, data.size - start) },
        (_, i) => start + i,
      );
      const x = await data.batch(indices);
      const kept = tf.tidy(() => {
        const maps = reader.predict(x);
        return perBatch(Array.isArray(maps) ? maps : [maps]);
      });
      x.dispose();
      parts ??= kept.map(() => []);
      kept.forEach((t, i) => parts?.[i]?.push(t));
      onBatch?.(start + indices.length, data.size);
    }
    return (parts ?? []).map((chunks) =>
      chunks.length === 1 ? (chunks[0] as tf.Tensor) : tf.concat(chunks, 0),
    );
  } finally {
    for (const chunks of parts ?? []) if (chunks.length > 1) tf.dispose(chunks);
  }
}

/** The output of layer `name`, refused with the layers to pick from unless it is one feature map. */
function cutOutput(model: tf.LayersModel, name: string): tf.SymbolicTensor {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) {
    throw new ConfigError(`multiCutFeatures: no layer named "${name}" in model "${model.name}".`, {
      fix: `pick cuts among: ${poolableLayers(model).join(", ")}`,
    });
  }
  const output = layer.output;
  if (Array.isArray(output) || (output.shape.length !== 4 && output.shape.length !== 3)) {
    throw new ConfigError(
      `multiCutFeatures: layer "${name}" must output one feature map ([batch, height, width, channels] or [batch, steps, channels]), got ${Array.isArray(output) ? `${output.length} outputs` : `shape [${output.shape.join(", ")}]`}.`,
      { fix: `pick cuts among: ${poolableLayers(model).join(", ")}` },
    );
  }
  return output;
}
