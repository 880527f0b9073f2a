import type { HeadFactory, Json } from "@graft/core";
import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/** Options of {@link wakeWordHead}. */
export interface WakeWordHeadOptions {
  /** Units of each hidden dense layer (ReLU), in order. @default [64, 32] */
  units?: readonly number[];
  /** Dropout rate after each hidden layer; 0 disables it. @default 0.2 */
  dropout?: number;
  /** Batch normalisation after each hidden dense layer. @default false */
  batchNorm?: boolean;
  /** Units of a GRU run over the features' first axis first; needs sequence features (a backbone cut before pooling). */
  gru?: number;
  /** Name of the output layer. @default "wake_output" */
  outputName?: string;
}

/**
 * A wake-word head of several new layers: optionally a GRU over time, then
 * dense → (batch norm) → ReLU → dropout blocks, then the output: one sigmoid
 * unit for a binary task, one sigmoid per label (multilabel) or a softmax
 * (multiclass). Names avoid every name in `takenNames`.
 */
export function wakeWordHead({ units = [64, 32], dropout = 0.2, batchNorm = false, gru, outputName = "wake_output" }: WakeWordHeadOptions = {}): HeadFactory {
  if (units.some((u) => !Number.isInteger(u) || u < 1)) throw new ConfigError(`wakeWordHead: units must be positive integers, got [${units.join(", ")}].`);
  if (!(dropout >= 0 && dropout < 1)) throw new ConfigError(`wakeWordHead: dropout must be in [0, 1), got ${dropout}.`);
  if (gru !== undefined && (!Number.isInteger(gru) || gru < 1)) throw new ConfigError(`wakeWordHead: gru must be a positive integer, got ${gru}.`);
  return ({ featureShape, task, takenNames, seed = 1 }) => {
    const used = new Set(takenNames);
    const name = (base: string): string => {
      let candidate = base;
      for (let i = 2; used.has(candidate); i++) candidate = `${base}_${i}`;
      used.add(candidate);
      return candidate;
    };
    let nextSeed = seed;
    const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: nextSeed++ });
    const layers: tf.layers.Layer[] = [];
    if (gru !== undefined) {
      if (featureShape.length < 2) {
        throw new ConfigError(`wakeWordHead: a GRU head needs sequence features [time, ...], got feature shape [${featureShape.join(", ")}].`, {
          fix: "cut the backbone before its pooling layer (e.g. at speech_block4_relu), or drop the gru option.",
        });
      }
      if (featureShape.length > 2) {
        const [time = 1, ...rest] = featureShape;
        layers.push(tf.layers.reshape({ name: name("wake_to_sequence"), targetShape: [time, rest.reduce((a, b) => a * b, 1)] }));
      }
      layers.push(tf.layers.gru({ name: name("wake_gru"), units: gru, kernelInitializer: init(), recurrentInitializer: tf.initializers.orthogonal({ seed: nextSeed++, gain: 1 }) }));
    } else if (featureShape.length > 1) {
      layers.push(tf.layers.flatten({ name: name("wake_flatten") }));
    }
    units.forEach((u, i) => {
      layers.push(tf.layers.dense({ name: name(`wake_dense${i + 1}`), units: u, useBias: !batchNorm, kernelInitializer: init() }));
      if (batchNorm) layers.push(tf.layers.batchNormalization({ name: name(`wake_bn${i + 1}`) }));
      layers.push(tf.layers.reLU({ name: name(`wake_relu${i + 1}`) }));
      if (dropout > 0) layers.push(tf.layers.dropout({ name: name(`wake_dropout${i + 1}`), rate: dropout, seed: nextSeed++ }));
    });
    const outputs = task.kind === "binary" ? 1 : task.labels.length;
    const activation = task.kind === "multiclass" ? "softmax" : "sigmoid";
    const output = name(outputName);
    layers.push(tf.layers.dense({ name: output, units: outputs, activation, kernelInitializer: init() }));
    const spec: Json = { kind: "audio:wake-word", units: [...units], dropout, batchNorm, gru: gru ?? null, output, activation, outputs };
    return { spec, layers };
  };
}
