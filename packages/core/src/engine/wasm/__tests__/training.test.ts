import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { setUpWasm } from "./compare-backends.js";

// A learnable synthetic task: is the bright blob in the left or the right half?
function blobs(count: number, size: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const images: number[] = [];
    const labels: number[] = [];
    for (let n = 0; n < count; n++) {
      const right = n % 2;
      const cx = right ? (size * 3) / 4 : size / 4;
      const cy = ((n * 7) % size) * 0.5 + size / 4;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          const v = Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / 8);
          images.push(v, 0.5 * v, ((i * j + n) % 5) / 10);
        }
      }
      labels.push(right);
    }
    return {
      x: tf.tensor4d(images, [count, size, size, 3]),
      y: tf.oneHot(tf.tensor1d(labels, "int32"), 2) as tf.Tensor2D,
    };
  });
}

function mobileNetStyle(size: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3] });
  const bnRelu6 = (t: tf.SymbolicTensor): tf.SymbolicTensor =>
    tf.layers
      .reLU({ maxValue: 6 })
      .apply(tf.layers.batchNormalization().apply(t)) as tf.SymbolicTensor;
  const stem = bnRelu6(
    tf.layers
      .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same", useBias: false })
      .apply(input) as tf.SymbolicTensor,
  );
  let y = bnRelu6(
    tf.layers
      .conv2d({ filters: 24, kernelSize: 1, useBias: false })
      .apply(stem) as tf.SymbolicTensor,
  );
  y = bnRelu6(
    tf.layers
      .depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false })
      .apply(y) as tf.SymbolicTensor,
  );
  y = tf.layers
    .batchNormalization()
    .apply(
      tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false }).apply(y),
    ) as tf.SymbolicTensor;
  let z = tf.layers.add().apply([stem, y]) as tf.SymbolicTensor;
  z = bnRelu6(
    tf.layers
      .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: "same", useBias: false })
      .apply(z) as tf.SymbolicTensor,
  );
  z = tf.layers.globalAveragePooling2d({}).apply(z) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: "softmax" }).apply(z) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe("training on wasm", () => {
  beforeAll(setUpWasm);

  it("should train a MobileNetV2-style stack until the loss clearly drops, without leaking", async () => {
    await tf.setBackend("wasm");
    const model = mobileNetStyle(16);
    model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
    const { x, y } = blobs(32, 16);
    const first = (await model.trainOnBatch(x, y)) as number;
    const tensorsAfterFirst = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 40; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
    expect(last).toBeLessThan(first * 0.3);
    tf.dispose([x, y]);
    model.dispose();
  });

  const image = (layers: tf.layers.Layer[]): tf.LayersModel =>
    tf.sequential({
      layers: [
        tf.layers.inputLayer({ inputShape: [8, 8, 4] }),
        ...layers,
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
  const sequence = (layers: tf.layers.Layer[], shape: number[] = [6, 4]): tf.LayersModel =>
    tf.sequential({
      layers: [
        tf.layers.inputLayer({ inputShape: shape }),
        ...layers,
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });

  const LAYERS: [string, () => tf.LayersModel, number[], ("float32" | "int32")?][] = [
    [
      "conv2d",
      () => image([tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: "same" })]),
      [8, 8, 4],
    ],
    [
      "conv1d",
      () => sequence([tf.layers.conv1d({ filters: 3, kernelSize: 3, strides: 2 })]),
      [6, 4],
    ],
    [
      "depthwiseConv2d",
      () => image([tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 })]),
      [8, 8, 4],
    ],
    [
      "separableConv2d",
      () =>
        image([
          tf.layers.separableConv2d({ filters: 3, kernelSize: 3, strides: 2, padding: "same" }),
        ]),
      [8, 8, 4],
    ],
    [
      "conv2dTranspose",
      () =>
        image([
          tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: "same" }),
        ]),
      [8, 8, 4],
    ],
    ["batchNormalization", () => image([tf.layers.batchNormalization()]), [8, 8, 4]],
    [
      "maxPooling2d",
      () =>
        image([
          tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
        ]),
      [8, 8, 4],
    ],
    [
      "averagePooling2d",
      () =>
        image([
          tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
          tf.layers.averagePooling2d({ poolSize: 3, strides: 2 }),
        ]),
      [8, 8, 4],
    ],
    [
      "globalMaxPooling2d",
      () =>
        tf.sequential({
          layers: [
            tf.layers.conv2d({ inputShape: [8, 8, 4], filters: 2, kernelSize: 3 }),
            tf.layers.globalMaxPooling2d({}),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      [8, 8, 4],
    ],
    [
      "upSampling2d",
      () =>
        image([
          tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
          tf.layers.upSampling2d({ size: [2, 2] }),
        ]),
      [8, 8, 4],
    ],
    [
      "dense + dropout",
      () =>
        sequence([
          tf.layers.dense({ units: 5, activation: "relu" }),
          tf.layers.dropout({ rate: 0.3 }),
        ]),
      [6, 4],
    ],
    ["gru", () => sequence([tf.layers.gru({ units: 3, returnSequences: true })]), [6, 4]],
    ["lstm", () => sequence([tf.layers.lstm({ units: 3, returnSequences: true })]), [6, 4]],
    [
      "simpleRNN",
      () => sequence([tf.layers.simpleRNN({ units: 3, returnSequences: true })]),
      [6, 4],
    ],
    ["layerNormalization", () => sequence([tf.layers.layerNormalization()]), [6, 4]],
    [
      "conv3d",
      () =>
        tf.sequential({
          layers: [
            tf.layers.conv3d({
              inputShape: [4, 5, 5, 2],
              filters: 2,
              kernelSize: 3,
              strides: 2,
              padding: "same",
            }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 2 }),
          ],
        }),
      [4, 5, 5, 2],
    ],
    [
      "embedding",
      () => sequence([tf.layers.embedding({ inputDim: 10, outputDim: 3 })], [6]),
      [6],
      "int32",
    ],
  ];

  it.each(LAYERS)(
    "should train a %s layer (weights move, no missing kernel)",
    async (_name, build, shape, dtype) => {
      await tf.setBackend("wasm");
      const model = build();
      model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
      const x =
        dtype === "int32"
          ? tf.randomUniform([4, ...shape], 0, 10, "int32", 1)
          : tf.randomNormal([4, ...shape], 0, 1, "float32", 1);
      const y = tf.randomNormal([4, 2], 0, 1, "float32", 2);
      const before = model.getWeights().map((w) => w.dataSync().slice());
      const loss = (await model.trainOnBatch(x, y)) as number;
      const after = model.getWeights().map((w) => w.dataSync());
      expect(Number.isFinite(loss)).toBe(true);
      // Every trainable weight of the layer under test must have received a gradient.
      const moved = model.trainableWeights.map((w) => {
        const i = model.weights.indexOf(w);
        return before[i]!.some((v, k) => v !== after[i]![k]);
      });
      expect(moved.every(Boolean)).toBe(true);
      tf.dispose([x, y]);
      model.dispose();
    },
  );
});
