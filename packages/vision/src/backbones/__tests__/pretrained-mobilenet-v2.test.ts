import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { mobileNetV2 } from "../mobilenet-v2.js";
import { loadNsfwjsMobileNetV2 } from "../nsfwjs-model.js";
import { pretrainedMobileNetV2 } from "../pretrained-mobilenet-v2.js";

describe("pretrainedMobileNetV2", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should load offline and give [1, 1280] features for a 224×224 image", async () => {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const backbone = await pretrainedMobileNetV2();
    const loadMs = performance.now() - t0;
    expect(backbone.featureShape).toEqual([1280]);
    expect(backbone.inputSpec).toEqual({
      kind: "image",
      height: 224,
      width: 224,
      channels: 3,
      normalization: "unit",
    });
    expect(backbone.model.layers.map((l) => l.name)).toContain("out_relu");
    expect(backbone.model.layers.every((l) => l.trainable)).toBe(true);
    const x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 1);
    const warm = backbone.model.predict(x) as tf.Tensor;
    const t1 = performance.now();
    const features = backbone.model.predict(x) as tf.Tensor;
    const values = await features.data();
    const forwardMs = performance.now() - t1;
    console.log(
      `nsfwjs MobileNetV2 on ${tf.getBackend()}: load ${loadMs.toFixed(0)} ms, forward ${forwardMs.toFixed(0)} ms/image`,
    );
    expect(features.shape).toEqual([1, 1280]);
    // ReLU6 outputs averaged: in [0, 6], and a real network lights up some features.
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(6);
    expect(values.filter((v) => v > 0).length).toBeGreaterThan(100);
    tf.dispose([x, warm, features]);
    backbone.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should rebuild at another input size with the same weights", async () => {
    const before = tf.memory().numTensors;
    const small = await pretrainedMobileNetV2({ inputSize: 96 });
    expect(small.inputSpec).toMatchObject({ height: 96, width: 96 });
    expect(small.provenance.source).toMatch(/rebuilt at 96×96/);
    const big = await pretrainedMobileNetV2();
    const weights = (b: typeof big) =>
      b.model.layers.filter((l) => l.weights.length > 0).map((l) => [l.name, l.getWeights().map((w) => Array.from(w.dataSync()))]);
    expect(weights(small)).toEqual(weights(big));
    const features = tf.tidy(() => small.model.predict(tf.fill([2, 96, 96, 3], 0.5)) as tf.Tensor);
    expect(features.shape).toEqual([2, 1280]);
    features.dispose();
    small.model.dispose();
    big.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should state plainly where the weights come from", async () => {
    const { provenance } = await pretrainedMobileNetV2();
    expect(provenance.task).toMatch(/ImageNet/);
    expect(provenance.task).toMatch(/fine-tuned by the nsfwjs authors on 5 content classes/);
    expect(provenance.source).toMatch(/nsfwjs@4\.3\.0/);
    expect(provenance.license).toBe("MIT");
    expect(provenance.cutAt).toBe("out_relu");
  });

  it("should cut at another named layer and reject unknown names", async () => {
    const backbone = await pretrainedMobileNetV2({
      cutAt: "block_13_expand_relu",
      pooling: "none",
    });
    expect(backbone.featureShape).toEqual([14, 14, 576]);
    backbone.model.dispose();
    await expect(pretrainedMobileNetV2({ cutAt: "nope" })).rejects.toThrow(/no layer named "nope"/);
  });

  it("should share layer names and weight shapes with graft's own mobileNetV2", async () => {
    const nsfw = await loadNsfwjsMobileNetV2();
    const ours = mobileNetV2({ alpha: 1, inputSize: 224, pooling: "none" });
    const shapes = (m: tf.LayersModel): string[] =>
      m.layers.flatMap((l) => l.weights.map((w) => `${w.originalName}:${w.shape.join("x")}`));
    const cut = nsfw.layers.findIndex((l) => l.name === "out_relu");
    expect(ours.model.layers.map((l) => l.name).slice(1)).toEqual(
      nsfw.layers.slice(1, cut + 1).map((l) => l.name),
    );
    expect(shapes(ours.model)).toEqual(
      shapes(tf.model({ inputs: nsfw.inputs, outputs: nsfw.getLayer("out_relu").output })),
    );
    nsfw.dispose();
    ours.model.dispose();
  });
});
