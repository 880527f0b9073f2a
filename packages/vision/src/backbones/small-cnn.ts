import { ConfigError } from "@graft/core";
import type { Backbone, ImageInputSpec } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { convInitializer } from "./initializers.js";

/** Options of {@link smallCnn}. */
export interface SmallCnnOptions {
  /**
   * Square input side in pixels.
   * @default 64
   */
  inputSize?: number;
  /**
   * Input channels: 3 (RGB) or 1 (grayscale).
   * @default 3
   */
  channels?: 1 | 3;
  /**
   * Filters of each 3×3 stride-2 conv block; one block per entry.
   * @default [16, 32, 64]
   */
  filters?: readonly number[];
  /**
   * Seed of the kernel initialisers.
   * @default undefined (random)
   */
  seed?: number;
}

/**
 * A small CNN for fast pre-training on a CPU: 3×3 stride-2 conv + ReLU blocks
 * then global average pooling, so features have `filters.at(-1)` values.
 */
export function smallCnn({
  inputSize = 64,
  channels = 3,
  filters = [16, 32, 64],
  seed,
}: SmallCnnOptions = {}): Backbone {
  if (filters.length === 0 || filters.some((f) => !Number.isInteger(f) || f < 1)) {
    throw new ConfigError(
      `smallCnn: filters must be a non-empty list of positive integers, got [${filters.join(", ")}].`,
    );
  }
  if (!Number.isInteger(inputSize) || inputSize < 2 ** filters.length) {
    throw new ConfigError(
      `smallCnn: inputSize must be an integer >= ${2 ** filters.length} for ${filters.length} stride-2 blocks, got ${inputSize}.`,
    );
  }
  const input = tf.input({ shape: [inputSize, inputSize, channels], name: "input_1" });
  let x = input;
  filters.forEach((f, i) => {
    const conv = tf.layers.conv2d({
      name: `conv_${i + 1}`,
      filters: f,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      activation: "relu",
      kernelInitializer: convInitializer(seed, i),
    });
    x = conv.apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers
    .globalAveragePooling2d({ name: "global_average_pooling2d" })
    .apply(x) as tf.SymbolicTensor;
  const inputSpec: ImageInputSpec = {
    kind: "image",
    height: inputSize,
    width: inputSize,
    channels,
    normalization: "unit",
  };
  return {
    name: "vision:small-cnn",
    model: tf.model({ inputs: input, outputs: x, name: `small_cnn_${inputSize}` }),
    inputSpec,
    featureShape: [filters.at(-1) ?? 0],
    provenance: {
      task: "none: randomly initialised, for pre-training",
      examples: 0,
      source: `@graft/vision smallCnn({ inputSize: ${inputSize}, channels: ${channels}, filters: [${filters.join(", ")}] })`,
      license: "MIT",
      pooling: "avg",
    },
  };
}
