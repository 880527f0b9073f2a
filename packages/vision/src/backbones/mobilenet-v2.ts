import { ConfigError } from "@graft/core";
import type { Backbone, ImageInputSpec, Pooling } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { convInitializer } from "./initializers.js";
import type { Initializer } from "./initializers.js";

/** Options of {@link mobileNetV2}. */
export interface MobileNetV2Options {
  /**
   * Width multiplier: scales every layer's channels (Keras offers 0.35, 0.5, 0.75, 1, 1.3, 1.4).
   * @default 1
   */
  alpha?: number;
  /**
   * Square input side in pixels (at least 32).
   * @default 224
   */
  inputSize?: number;
  /**
   * Input channels: 3 (RGB) or 1 (grayscale, e.g. Fashion-MNIST).
   * @default 3
   */
  channels?: 1 | 3;
  /**
   * Pooling after `out_relu`: `avg` gives a flat feature vector, `none` the last feature map.
   * @default "avg"
   */
  pooling?: Pooling;
  /**
   * Moving-average momentum of the BatchNormalization layers. Keras' 0.999
   * suits long ImageNet runs; short runs on small data want ~0.9, or their
   * inference statistics lag the weights (see core's `recalibrateBatchNorm`).
   * @default 0.999
   */
  batchNormMomentum?: number;
  /**
   * Seed of the kernel initialisers (each layer gets seed + its index).
   * @default undefined (random)
   */
  seed?: number;
}

// Expansion t, output channels c, repeats n, first stride s (the MobileNetV2 paper's table 2).
const STAGES = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
] as const;

/**
 * A randomly initialised MobileNetV2 for pre-training, built layer for layer
 * like `keras.applications.MobileNetV2` (same layer names: `Conv1`, `bn_Conv1`,
 * `block_1_expand`, … `Conv_1_bn`, `out_relu`), so weights and cut points
 * carry over between the two.
 */
export function mobileNetV2({
  alpha = 1,
  inputSize = 224,
  channels = 3,
  pooling = "avg",
  batchNormMomentum = 0.999,
  seed,
}: MobileNetV2Options = {}): Backbone {
  if (!(alpha > 0)) throw new ConfigError(`mobileNetV2: alpha must be > 0, got ${alpha}.`);
  if (!Number.isInteger(inputSize) || inputSize < 32) {
    throw new ConfigError(`mobileNetV2: inputSize must be an integer >= 32, got ${inputSize}.`, {
      fix: "mobileNetV2({ inputSize: 96 }) (or pad/resize smaller images up with the preprocessor)",
    });
  }
  let layerIndex = 0;
  const init = (): Initializer => convInitializer(seed, layerIndex++);
  const bn = (name: string) =>
    tf.layers.batchNormalization({ name, epsilon: 1e-3, momentum: batchNormMomentum });
  const relu6 = (name: string) => tf.layers.reLU({ name, maxValue: 6 });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor =>
    layer.apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: [inputSize, inputSize, channels], name: "input_1" });
  let x = apply(
    tf.layers.zeroPadding2d({ name: "Conv1_pad", padding: correctPad(spatial(input)) }),
    input,
  );
  x = apply(
    tf.layers.conv2d({
      name: "Conv1",
      filters: makeDivisible(32 * alpha),
      kernelSize: 3,
      strides: 2,
      padding: "valid",
      useBias: false,
      kernelInitializer: init(),
    }),
    x,
  );
  x = apply(relu6("Conv1_relu"), apply(bn("bn_Conv1"), x));

  let blockId = 0;
  for (const [expansion, filters, repeats, firstStride] of STAGES) {
    for (let r = 0; r < repeats; r++) {
      const stride = r === 0 ? firstStride : 1;
      const inputs = x;
      const inChannels = x.shape[3] ?? 0;
      const outChannels = makeDivisible(filters * alpha);
      const prefix = blockId === 0 ? "expanded_conv_" : `block_${blockId}_`;
      if (blockId > 0) {
        x = apply(
          tf.layers.conv2d({
            name: `${prefix}expand`,
            filters: expansion * inChannels,
            kernelSize: 1,
            padding: "same",
            useBias: false,
            kernelInitializer: init(),
          }),
          x,
        );
        x = apply(relu6(`${prefix}expand_relu`), apply(bn(`${prefix}expand_BN`), x));
      }
      if (stride === 2)
        x = apply(
          tf.layers.zeroPadding2d({ name: `${prefix}pad`, padding: correctPad(spatial(x)) }),
          x,
        );
      x = apply(
        tf.layers.depthwiseConv2d({
          name: `${prefix}depthwise`,
          kernelSize: 3,
          strides: stride,
          padding: stride === 1 ? "same" : "valid",
          useBias: false,
          depthwiseInitializer: init(),
        }),
        x,
      );
      x = apply(relu6(`${prefix}depthwise_relu`), apply(bn(`${prefix}depthwise_BN`), x));
      x = apply(
        tf.layers.conv2d({
          name: `${prefix}project`,
          filters: outChannels,
          kernelSize: 1,
          padding: "same",
          useBias: false,
          kernelInitializer: init(),
        }),
        x,
      );
      x = apply(bn(`${prefix}project_BN`), x);
      if (stride === 1 && inChannels === outChannels)
        x = tf.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as tf.SymbolicTensor;
      blockId++;
    }
  }
  const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha) : 1280;
  x = apply(
    tf.layers.conv2d({
      name: "Conv_1",
      filters: lastFilters,
      kernelSize: 1,
      useBias: false,
      kernelInitializer: init(),
    }),
    x,
  );
  x = apply(relu6("out_relu"), apply(bn("Conv_1_bn"), x));
  if (pooling !== "none") {
    const pool =
      pooling === "avg"
        ? tf.layers.globalAveragePooling2d({ name: "out_relu_avgpool" })
        : tf.layers.globalMaxPooling2d({ name: "out_relu_maxpool" });
    x = apply(pool, x);
  }
  const name = `mobilenetv2_${alpha}_${inputSize}`;
  const inputSpec: ImageInputSpec = {
    kind: "image",
    height: inputSize,
    width: inputSize,
    channels,
    normalization: "unit",
  };
  return {
    name: "vision:mobilenet-v2",
    model: tf.model({ inputs: input, outputs: x, name }),
    inputSpec,
    featureShape: x.shape.slice(1).map((d) => d ?? -1),
    provenance: {
      task: "none: randomly initialised, for pre-training",
      examples: 0,
      source: `@graft/vision mobileNetV2({ alpha: ${alpha}, inputSize: ${inputSize}, channels: ${channels} })`,
      license: "MIT",
      pooling,
      ...(pooling === "none" ? {} : { cutAt: "out_relu" }),
    },
  };
}

/** Rounds channels to a multiple of 8 without losing more than 10% (as Keras does). */
export function makeDivisible(value: number, divisor = 8): number {
  let rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

function spatial(x: tf.SymbolicTensor): [number, number] {
  return [x.shape[1] ?? 0, x.shape[2] ?? 0];
}

// Keras' correct_pad: a stride-2 3×3 conv on an even side pads one pixel at the end only.
function correctPad([h, w]: [number, number]): [[number, number], [number, number]] {
  return [
    [h % 2, 1],
    [w % 2, 1],
  ];
}
