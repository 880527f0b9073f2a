import { ConfigError, loadEngine } from "@graft/core";
import type { Backbone } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { makeDivisible, mobileNetV2 } from "../mobilenet-v2.js";
import { smallCnn } from "../small-cnn.js";

/** Gradients of a simple loss on the features w.r.t. every trainable weight, as max |g| per weight. */
async function gradientMagnitudes(backbone: Backbone, x: tf.Tensor): Promise<Map<string, number>> {
  const weights = backbone.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.square(backbone.model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
    weights,
  );
  const result = new Map<string, number>();
  for (const [name, g] of Object.entries(grads)) {
    const m = tf.max(tf.abs(g));
    result.set(name, (await m.data())[0] ?? NaN);
    m.dispose();
  }
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

describe("mobileNetV2", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should use Keras layer names and produce pooled features", () => {
    const before = tf.memory().numTensors;
    const backbone = mobileNetV2({ alpha: 0.35, inputSize: 96, seed: 1 });
    const names = backbone.model.layers.map((l) => l.name);
    for (const name of [
      "Conv1",
      "bn_Conv1",
      "Conv1_relu",
      "expanded_conv_depthwise",
      "block_1_expand",
      "block_1_expand_BN",
      "block_1_expand_relu",
      "block_1_depthwise",
      "block_16_project_BN",
      "Conv_1",
      "Conv_1_bn",
      "out_relu",
    ]) {
      expect(names).toContain(name);
    }
    expect(backbone.featureShape).toEqual([1280]);
    expect(backbone.inputSpec).toEqual({
      kind: "image",
      height: 96,
      width: 96,
      channels: 3,
      normalization: "unit",
    });
    const y = tf.tidy(() => backbone.model.predict(tf.ones([2, 96, 96, 3])) as tf.Tensor);
    expect(y.shape).toEqual([2, 1280]);
    y.dispose();
    backbone.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should scale channels by alpha like Keras and take grayscale input", () => {
    expect([
      makeDivisible(32 * 0.35),
      makeDivisible(16 * 0.35),
      makeDivisible(320 * 0.35),
      makeDivisible(1280 * 1.4),
    ]).toEqual([16, 8, 112, 1792]);
    const gray = mobileNetV2({ alpha: 0.5, inputSize: 33, channels: 1, pooling: "none" });
    expect(gray.model.inputs[0]?.shape).toEqual([null, 33, 33, 1]);
    expect(gray.featureShape).toEqual([2, 2, 1280]);
    gray.model.dispose();
  });

  it("should start from identical weights for the same seed", async () => {
    const [a, b] = [
      mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 5 }),
      mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 5 }),
    ];
    const [ka, kb] = [
      a.model.getLayer("block_5_expand").getWeights()[0],
      b.model.getLayer("block_5_expand").getWeights()[0],
    ];
    expect(Array.from(await (ka as tf.Tensor).data())).toEqual(
      Array.from(await (kb as tf.Tensor).data()),
    );
    a.model.dispose();
    b.model.dispose();
  });

  it("should get a gradient for every trainable weight (trainable from scratch)", async () => {
    const backbone = mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 3 });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, "float32", 9);
    const grads = await gradientMagnitudes(backbone, x);
    expect(grads.size).toBe(backbone.model.trainableWeights.length);
    const conv = [...grads].filter(([name]) => /kernel/.test(name));
    expect(conv.length).toBe(52);
    for (const [name, g] of conv) expect(Number.isFinite(g) && g > 0, name).toBe(true);
    x.dispose();
    backbone.model.dispose();
  });

  it("should reject a too small input", () => {
    expect(() => mobileNetV2({ inputSize: 16 })).toThrow(ConfigError);
  });
});

describe("smallCnn", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should give one feature per last filter and train every conv", async () => {
    const backbone = smallCnn({ inputSize: 28, channels: 1, filters: [8, 16], seed: 2 });
    expect(backbone.featureShape).toEqual([16]);
    expect(backbone.model.layers.map((l) => l.name)).toEqual([
      "input_1",
      "conv_1",
      "conv_2",
      "global_average_pooling2d",
    ]);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 4);
    const y = backbone.model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 16]);
    const grads = await gradientMagnitudes(backbone, x);
    expect(grads.size).toBe(4);
    tf.dispose([x, y]);
    backbone.model.dispose();
  });

  it("should reject bad filters", () => {
    expect(() => smallCnn({ filters: [] })).toThrow(/filters must be a non-empty list/);
  });
});
