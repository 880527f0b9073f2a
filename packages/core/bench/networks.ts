import * as tf from "@tensorflow/tfjs";

/** A network the benchmark trains, with its input size and batch. */
export interface BenchNetwork {
  /** Name used in the result line, e.g. `small-cnn`. */
  name: string;
  /** Builds a fresh model on the active backend. */
  build: () => tf.LayersModel;
  /** NHWC input shape without the batch axis. */
  inputShape: [number, number, number];
  batch: number;
  classes: number;
}

/** conv3×3 s2 ×3 (16/32/64 filters, relu), global average pooling, dense 10. */
export const smallCnn: BenchNetwork = {
  name: "small-cnn",
  inputShape: [64, 64, 3],
  batch: 32,
  classes: 10,
  build: () => {
    const input = tf.input({ shape: [64, 64, 3] });
    let x: tf.SymbolicTensor = input;
    for (const filters of [16, 32, 64]) {
      x = tf.layers
        .conv2d({ filters, kernelSize: 3, strides: 2, padding: "same", activation: "relu" })
        .apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 10 }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: logits });
  },
};

// Rounds a channel count the way MobileNetV2 does (multiple of 8, never
// dropping more than 10 %), so the layer widths match the PyTorch twin.
function divisible(value: number): number {
  const rounded = Math.max(8, Math.floor((value + 4) / 8) * 8);
  return rounded < 0.9 * value ? rounded + 8 : rounded;
}

// (expansion, channels, repeats, first stride) of MobileNetV2's blocks.
const BLOCKS: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

function convBn(
  x: tf.SymbolicTensor,
  filters: number,
  kernel: number,
  stride: number,
  relu6: boolean,
): tf.SymbolicTensor {
  let y = tf.layers
    .conv2d({ filters, kernelSize: kernel, strides: stride, padding: "same", useBias: false })
    .apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ momentum: 0.9 }).apply(y) as tf.SymbolicTensor;
  return relu6 ? (tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor) : y;
}

/** MobileNetV2 with width multiplier `alpha`, 10 classes. */
export function mobileNetV2(alpha: number, size: number): BenchNetwork {
  return {
    name: `mobilenetv2-${alpha}`,
    inputShape: [size, size, 3],
    batch: 32,
    classes: 10,
    build: () => {
      const input = tf.input({ shape: [size, size, 3] });
      let x = convBn(input, divisible(32 * alpha), 3, 2, true);
      let channels = divisible(32 * alpha);
      for (const [expansion, width, repeats, firstStride] of BLOCKS) {
        const out = divisible(width * alpha);
        for (let i = 0; i < repeats; i++) {
          const stride = i === 0 ? firstStride : 1;
          let y = expansion === 1 ? x : convBn(x, channels * expansion, 1, 1, true);
          y = tf.layers
            .depthwiseConv2d({ kernelSize: 3, strides: stride, padding: "same", useBias: false })
            .apply(y) as tf.SymbolicTensor;
          y = tf.layers.batchNormalization({ momentum: 0.9 }).apply(y) as tf.SymbolicTensor;
          y = tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor;
          y = convBn(y, out, 1, 1, false);
          x =
            stride === 1 && channels === out
              ? (tf.layers.add().apply([x, y]) as tf.SymbolicTensor)
              : y;
          channels = out;
        }
      }
      x = convBn(x, 1280, 1, 1, true);
      x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
      const logits = tf.layers.dense({ units: 10 }).apply(x) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: logits });
    },
  };
}
