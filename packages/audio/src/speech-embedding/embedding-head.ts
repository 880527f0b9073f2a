import type { HeadFactory, Json } from "@graft/core";
import { ConfigError, uniqueName } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/** Layer stacks {@link embeddingWakeWordHead} builds. */
export type EmbeddingHeadKind = "dense" | "conv1d" | "gru";

/** Options of {@link embeddingWakeWordHead}. */
export interface EmbeddingHeadOptions {
  /**
   * `dense`: flatten → (dense → layer norm → ReLU) × 2, openWakeWord's own head shape;
   * `conv1d`: two 1-D convolutions over time (the second strided), each with layer norm and ReLU → average over time;
   * `gru`: one GRU over the embedding sequence.
   * @default "dense"
   */
  kind?: EmbeddingHeadKind;
  /** Units (dense, GRU) or filters (conv1d) of each hidden layer. @default 32 */
  units?: number;
  /** Dropout before the output; 0 disables it. @default 0 */
  dropout?: number;
  /** Name of the output layer. @default "wake_output" */
  outputName?: string;
}

/**
 * A wake-word head over a sequence of speech embeddings (`[16, 96]` by
 * default, about 1.3 s): several new standard layers, then one sigmoid (binary
 * or multilabel) or a softmax (multiclass).
 */
export function embeddingWakeWordHead({ kind = "dense", units = 32, dropout = 0, outputName = "wake_output" }: EmbeddingHeadOptions = {}): HeadFactory {
  if (!["dense", "conv1d", "gru"].includes(kind)) throw new ConfigError(`embeddingWakeWordHead: kind must be "dense", "conv1d" or "gru", got ${JSON.stringify(kind)}.`);
  if (!Number.isInteger(units) || units < 1) throw new ConfigError(`embeddingWakeWordHead: units must be a positive integer, got ${units}.`);
  if (!(dropout >= 0 && dropout < 1)) throw new ConfigError(`embeddingWakeWordHead: dropout must be in [0, 1), got ${dropout}.`);
  return ({ featureShape, task, takenNames, seed = 1 }) => {
    if (featureShape.length !== 2) {
      throw new ConfigError(`embeddingWakeWordHead: expected sequence features [time, dims], got [${featureShape.join(", ")}].`, {
        fix: "use speechEmbedding() as the backbone (features [16, 96]), or a backbone cut before its pooling.",
      });
    }
    const used = new Set(takenNames);
    const name = (base: string): string => {
      const unique = uniqueName(base, used);
      used.add(unique);
      return unique;
    };
    let nextSeed = seed;
    const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: nextSeed++ });
    const layers: tf.layers.Layer[] = [];
    if (kind === "dense") {
      layers.push(tf.layers.flatten({ name: name("wake_flatten") }));
      for (let i = 1; i <= 2; i++) {
        layers.push(tf.layers.dense({ name: name(`wake_dense${i}`), units, kernelInitializer: init() }));
        layers.push(tf.layers.layerNormalization({ name: name(`wake_norm${i}`) }));
        layers.push(tf.layers.reLU({ name: name(`wake_relu${i}`) }));
      }
    } else if (kind === "conv1d") {
      for (let i = 1; i <= 2; i++) {
        layers.push(tf.layers.conv1d({ name: name(`wake_conv${i}`), filters: units, kernelSize: 3, strides: i, kernelInitializer: init() }));
        layers.push(tf.layers.layerNormalization({ name: name(`wake_norm${i}`) }));
        layers.push(tf.layers.reLU({ name: name(`wake_relu${i}`) }));
      }
      layers.push(tf.layers.globalAveragePooling1d({ name: name("wake_pool") }));
    } else {
      layers.push(
        tf.layers.gru({ name: name("wake_gru"), units, kernelInitializer: init(), recurrentInitializer: tf.initializers.orthogonal({ seed: nextSeed++, gain: 1 }) }),
      );
    }
    if (dropout > 0) layers.push(tf.layers.dropout({ name: name("wake_dropout"), rate: dropout, seed: nextSeed++ }));
    const outputs = task.kind === "binary" ? 1 : task.labels.length;
    const activation = task.kind === "multiclass" ? "softmax" : "sigmoid";
    const output = name(outputName);
    layers.push(tf.layers.dense({ name: output, units: outputs, activation, kernelInitializer: init() }));
    const spec: Json = { kind: "audio:embedding-wake-word", head: kind, units, dropout, output, activation, outputs };
    return { spec, layers };
  };
}
