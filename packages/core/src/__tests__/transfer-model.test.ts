import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { cutBackbone } from "../backbone/cut-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import { ConfigError, DataError, InputMismatchError } from "../errors.js";
import { denseHead, outputHead } from "../head/dense-head.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { tensorDataset } from "../data/tensor-dataset.js";
import { separableData, snapshotWeights, taskAModel } from "./fixtures/tiny-models.js";

const binary = { kind: "binary", labels: ["healthy", "nodule"] } as const;

/** Trains task A with graft's own machinery (pre-training), returning the trained source model. */
async function pretrainTaskA(): Promise<tf.LayersModel> {
  const source = taskAModel();
  const data = separableData(300, 3, 11);
  const whole = cutBackbone(source, { at: "a_dense2" });
  const pre = createTransferModel({ backbone: whole, task: { kind: "multiclass", labels: ["x0", "x1", "x2"] }, freeze: "trainable", seed: 3 });
  const history = await pre.fit(data, { epochs: 15, batchSize: 32, learningRate: 0.01 });
  data.dispose();
  expect(history.epochs.at(-1)?.metrics["accuracy"]).toBeGreaterThan(0.8);
  return source;
}

describe("createTransferModel", () => {
  let source: tf.LayersModel;
  beforeAll(async () => {
    await loadEngine();
    source = await pretrainTaskA();
  });

  it("should learn a separable task B well above chance on a frozen backbone", async () => {
    const backbone = cutBackbone(source, { at: "a_dense2" });
    const model = createTransferModel({ backbone, task: binary, head: denseHead({ units: [8] }), seed: 1 });
    const train = separableData(100, 2, 21);
    const test = separableData(200, 2, 22);
    await model.fit(train, { epochs: 60, batchSize: 16, learningRate: 0.02 });
    const probs = await model.predictDataset(test);
    const correct = probs.filter((p, i) => ((p[0] ?? 0) >= 0.5 ? 1 : 0) === test.labels[i]).length;
    // Chance is 0.5; task-A features carry x0 + x1 only partly, so ~0.8 is what a frozen trunk gives.
    expect(correct / test.size).toBeGreaterThan(0.75);
    tf.dispose([train, test].map((d) => d.x));
  });

  it("should keep frozen weights and BatchNormalization statistics bit-identical", async () => {
    const backbone = cutBackbone(source, { at: "a_dense2" });
    const before = snapshotWeights(backbone.model);
    expect([...before.keys()].some((name) => name.includes("moving_mean"))).toBe(true);
    const model = createTransferModel({ backbone, task: binary, seed: 2 });
    const train = separableData(64, 2, 23);
    // Through the backbone (no cache) so BN really runs inside training steps.
    await model.fit(train, { epochs: 3, batchSize: 16, featureCache: false });
    const after = snapshotWeights(backbone.model);
    for (const [name, values] of before) expect(after.get(name), name).toEqual(values);
    const headWeights = model.headModel.weights[0]?.read().dataSync();
    expect(headWeights).toBeDefined();
    train.dispose();
  });

  it("should train unfrozen BatchNormalization statistics when the backbone trains", async () => {
    const backbone = cutBackbone(taskAModel(5), { at: "a_dense2" });
    const before = snapshotWeights(backbone.model);
    const model = createTransferModel({ backbone, task: binary, freeze: "trainable", seed: 2 });
    const train = separableData(64, 2, 24);
    await model.fit(train, { epochs: 1, batchSize: 16 });
    const after = snapshotWeights(backbone.model);
    const movingMean = [...before.keys()].find((name) => name.includes("moving_mean")) as string;
    expect(after.get(movingMean)).not.toEqual(before.get(movingMean));
    train.dispose();
    model.dispose();
  });

  it("should give the same head with cached features as through the frozen backbone", async () => {
    const runs = [];
    for (const featureCache of [false, true]) {
      const backbone = cutBackbone(source, { at: "a_dense2" });
      const model = createTransferModel({ backbone, task: binary, head: denseHead({ units: [4] }), seed: 9 });
      const train = separableData(48, 2, 25);
      const history = await model.fit(train, { epochs: 2, batchSize: 16, seed: 4, featureCache });
      expect(history.epochs.every((e) => e.cachedFeatures === featureCache)).toBe(true);
      runs.push(model.headModel.weights.map((w) => Array.from(w.read().dataSync())));
      train.dispose();
    }
    const [uncached, cached] = runs as [number[][], number[][]];
    cached.forEach((values, i) => {
      values.forEach((v, j) => expect(v).toBeCloseTo(uncached[i]?.[j] ?? NaN, 5));
    });
  });

  it("should keep the number of tensors flat across epochs", async () => {
    const backbone = cutBackbone(source, { at: "a_dense2" });
    const model = createTransferModel({ backbone, task: binary, head: denseHead({ units: [4], dropout: 0.1 }), freeze: { top: 1 } });
    const train = separableData(40, 2, 26);
    const counts: number[] = [];
    await model.fit(train, {
      epochs: 4,
      batchSize: 8,
      validation: 0.25,
      onProgress: (e) => {
        if (e.type === "epoch-end") counts.push(tf.memory().numTensors);
      },
    });
    expect(new Set(counts).size).toBe(1);
    train.dispose();
  });

  it("should reject a dataset with a single class, naming it", async () => {
    const model = createTransferModel({ backbone: cutBackbone(source, { at: "a_dense2" }), task: binary });
    const data = tensorDataset(tf.zeros([4, 8]), [1, 1, 1, 1]);
    await expect(model.fit(data, { epochs: 1 })).rejects.toThrow(/only class "nodule".*at least two classes/);
    await expect(model.fit(data, { epochs: 1 })).rejects.toBeInstanceOf(DataError);
    data.dispose();
  });

  it("should reject an empty dataset", async () => {
    const model = createTransferModel({ backbone: cutBackbone(source, { at: "a_dense2" }), task: binary });
    const data = tensorDataset(tf.zeros([0, 8]), []);
    await expect(model.fit(data, { epochs: 1 })).rejects.toThrow(/training data is empty/);
    data.dispose();
  });

  it("should reject a preprocessor whose InputSpec does not match the backbone, naming both", () => {
    const backbone = cutBackbone(source, { at: "a_dense2" });
    const preprocessor = {
      name: "test:image",
      spec: { kind: "image", height: 4, width: 4, channels: 1, normalization: "unit" } as const,
      config: null,
      process: () => Promise.resolve(tf.zeros([1, 4, 4, 1])),
    };
    expect(() => createTransferModel({ backbone, task: binary, preprocessor })).toThrow(InputMismatchError);
    expect(() => createTransferModel({ backbone, task: binary, preprocessor })).toThrow(/expected tensors of shape \[8\], got 4×4×1 images/);
  });
});

describe("cutBackbone", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should list valid layer names and suggest the closest when a cut point is wrong", () => {
    const source = taskAModel();
    expect(() => cutBackbone(source, { at: "a_dense_2" })).toThrow(ConfigError);
    expect(() => cutBackbone(source, { at: "a_dense_2" })).toThrow(/Did you mean "a_dense2"\?.*a_out, a_dense2, a_bn, a_dense1/s);
    expect(() => cutBackbone(source, { dropLast: 9 })).toThrow(/dropLast must be an integer from 1 to 3/);
    source.dispose();
  });

  it("should cut before the last N layers, record provenance and pool feature maps", () => {
    const source = taskAModel();
    const backbone = cutBackbone(source, { dropLast: 2, provenance: { task: "argmax of 3 inputs", examples: 300 } });
    expect(backbone.provenance).toMatchObject({ cutAt: "a_bn", examples: 300, pooling: "none" });
    expect(backbone.provenance.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(backbone.featureShape).toEqual([16]);

    const input = tf.input({ shape: [6, 6, 2] });
    const conv = tf.layers.conv2d({ filters: 5, kernelSize: 3, name: "conv" }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: "flat" }).apply(conv) as tf.SymbolicTensor;
    const cnn = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: "out" }).apply(flat) as tf.SymbolicTensor });
    const pooled = cutBackbone(cnn, { at: "conv", pooling: "avg" });
    expect(pooled.featureShape).toEqual([5]);
    const features = pooled.model.predict(tf.ones([2, 6, 6, 2])) as tf.Tensor;
    expect(features.shape).toEqual([2, 5]);
    const both = cutBackbone(cnn, { at: "conv", pooling: "avg+max" });
    expect(both.featureShape).toEqual([10]);
    expect(both.provenance.pooling).toBe("avg+max");
    const [avgGap, maxGap] = tf.tidy(() => {
      const x = tf.randomUniform([2, 6, 6, 2], 0, 1, "float32", 1);
      const [avg, max] = tf.split(both.model.predict(x) as tf.Tensor2D, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const map = cutBackbone(cnn, { at: "conv" }).model.predict(x) as tf.Tensor4D;
      return [avg.sub(map.mean([1, 2])).abs().max().dataSync()[0], max.sub(map.max([1, 2])).abs().max().dataSync()[0]];
    });
    expect(avgGap).toBeLessThan(1e-6);
    expect(maxGap).toBeLessThan(1e-6);
    tf.dispose([features]);
    source.dispose();
    cnn.dispose();
  });

  it("should cut a transfer model again, though its head layers are shared with the head model", () => {
    const source = taskAModel();
    const first = createTransferModel({ backbone: cutBackbone(source, { at: "a_dense2" }), task: binary, head: denseHead({ units: [5] }) });
    const again = cutBackbone(first.model, { at: "head_dense_1" });
    expect(again.featureShape).toEqual([5]);
    const features = again.model.predict(tf.ones([2, 8])) as tf.Tensor;
    expect(features.shape).toEqual([2, 5]);
    features.dispose();
    first.dispose();
  });

  it("should make a single re-initialised output layer by default", () => {
    const source = taskAModel();
    const model = createTransferModel({ backbone: cutBackbone(source), task: { kind: "multiclass", labels: ["a", "b", "c", "d"] }, head: outputHead() });
    expect(model.head.layers.map((l) => l.name)).toEqual(["head_output"]);
    expect(model.model.outputs[0]?.shape).toEqual([null, 4]);
    source.dispose();
  });
});
