import type { AudioInputSpec, Backbone } from "@graft/core";
import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { featureConfig, featureSpec } from "../features/feature-config.js";

/** Options of {@link speechBackbone}. */
export interface SpeechBackboneOptions {
  /** Features the network reads. @default featureSpec(featureConfig()) (40 log-mel bands × 97 frames) */
  inputSpec?: AudioInputSpec;
  /** Frames per example; overrides `inputSpec.frames`. */
  frames?: number;
  /** Bands per frame; overrides `inputSpec.bands`. */
  bands?: number;
  /** Channels of every conv block. @default 64 */
  width?: number;
  /** Conv blocks after the stem (the first one halves time and frequency again). @default 4 */
  blocks?: number;
  /** Depthwise-separable blocks (DS-CNN); `false` uses plain 3×3 conv2d blocks. @default true */
  separable?: boolean;
  /** End with a GRU over time (units = `width`) instead of global average pooling. @default false */
  gru?: boolean;
  /**
   * Momentum of the batch-norm moving statistics. Lower than Keras' 0.99 because
   * CPU pre-training runs few steps, and a frozen backbone uses these statistics.
   * @default 0.9
   */
  bnMomentum?: number;
  /** Seed of the initialisers. @default 1 */
  seed?: number;
}

/**
 * A keyword-spotting trunk for `[frames, bands, 1]` features, cheap enough to
 * train from scratch on a CPU: a strided 3×3 conv stem, then `blocks`
 * depthwise-separable blocks (depthwise 3×3 → BN → ReLU → pointwise 1×1 →
 * BN → ReLU), then global average pooling (features `[width]`) or, with
 * `gru`, a GRU over the time axis (features `[width]`). Layer names start
 * with `speech_`, so a cut point such as `speech_block3_relu` is stable.
 */
export function speechBackbone(options: SpeechBackboneOptions = {}): Backbone {
  const { inputSpec = featureSpec(featureConfig()), width = 64, blocks = 4, separable = true, gru = false, bnMomentum = 0.9, seed = 1 } = options;
  const frames = options.frames ?? inputSpec.frames;
  const bands = options.bands ?? inputSpec.bands;
  for (const [label, value] of Object.entries({ frames, bands, width })) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(`speechBackbone: ${label} must be a positive integer, got ${value}.`);
  }
  if (!(bnMomentum >= 0 && bnMomentum < 1)) throw new ConfigError(`speechBackbone: bnMomentum must be in [0, 1), got ${bnMomentum}.`);
  if (!Number.isInteger(blocks) || blocks < 0) throw new ConfigError(`speechBackbone: blocks must be a non-negative integer, got ${blocks}.`);
  let nextSeed = seed;
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: nextSeed++ });
  const input = tf.input({ shape: [frames, bands, 1], name: "speech_input" });
  const bn = (name: string): tf.layers.Layer => tf.layers.batchNormalization({ name, momentum: bnMomentum });
  let x = convUnit(input, "speech_stem", width, [3, 3], [2, 2], init, bn);
  for (let b = 1; b <= blocks; b++) {
    // One downsampling block keeps later blocks cheap without losing short words.
    const strides: [number, number] = b === 1 ? [2, 2] : [1, 1];
    const name = `speech_block${b}`;
    if (separable) {
      x = tf.layers
        .depthwiseConv2d({ name: `${name}_dw`, kernelSize: 3, strides, padding: "same", useBias: false, depthwiseInitializer: init() })
        .apply(x) as tf.SymbolicTensor;
      x = bn(`${name}_dw_bn`).apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${name}_dw_relu` }).apply(x) as tf.SymbolicTensor;
      x = convUnit(x, name, width, [1, 1], [1, 1], init, bn);
    } else {
      x = convUnit(x, name, width, [3, 3], strides, init, bn);
    }
  }
  let features: tf.SymbolicTensor;
  if (gru) {
    const [, time, freq, channels] = x.shape as [null, number, number, number];
    const sequence = tf.layers.reshape({ name: "speech_to_sequence", targetShape: [time, freq * channels] }).apply(x) as tf.SymbolicTensor;
    features = tf.layers
      .gru({ name: "speech_gru", units: width, kernelInitializer: init(), recurrentInitializer: tf.initializers.orthogonal({ seed: nextSeed++, gain: 1 }) })
      .apply(sequence) as tf.SymbolicTensor;
  } else {
    features = tf.layers.globalAveragePooling2d({ name: "speech_pool" }).apply(x) as tf.SymbolicTensor;
  }
  const model = tf.model({ inputs: input, outputs: features, name: "speech_backbone" });
  return {
    name: "audio:speech",
    model,
    inputSpec: { ...inputSpec, frames, bands },
    featureShape: [width],
    provenance: { task: "none: randomly initialised, to be pre-trained", source: `@graft/audio speechBackbone(width=${width}, blocks=${blocks}${gru ? ", gru" : ""})` },
  };
}

function convUnit(
  x: tf.SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: [number, number],
  strides: [number, number],
  init: () => ReturnType<typeof tf.initializers.glorotUniform>,
  batchNorm: (name: string) => tf.layers.Layer,
): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({ name: `${name}_conv`, filters, kernelSize, strides, padding: "same", useBias: false, kernelInitializer: init() });
  const relu = tf.layers.reLU({ name: `${name}_relu` });
  return relu.apply(batchNorm(`${name}_bn`).apply(conv.apply(x))) as tf.SymbolicTensor;
}
