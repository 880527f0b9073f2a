import type { BinaryTask } from "@graft/core";
import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { speechBackbone } from "../speech-backbone.js";
import { wakeWordHead } from "../../heads/wake-word-head.js";

const binary: BinaryTask = { kind: "binary", labels: ["other", "wake"] };

/** Applies head layers on top of a (possibly cut) trunk output. */
function attach(inputs: tf.SymbolicTensor, trunk: tf.SymbolicTensor, layers: readonly tf.layers.Layer[]): tf.LayersModel {
  const out = layers.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, trunk);
  return tf.model({ inputs, outputs: out });
}

describe("speechBackbone", () => {
  beforeAll(async () => {
    // Training runs on the cpu backend: tiny models, and independent of the wasm training kernels being added.
    await loadEngine({ engine: "cpu" });
  });

  it("should map [97, 40, 1] log-mel features to 64 pooled features", () => {
    const before = tf.memory().numTensors;
    const backbone = speechBackbone();
    expect(backbone.name).toBe("audio:speech");
    expect(backbone.featureShape).toEqual([64]);
    expect(backbone.inputSpec).toMatchObject({ kind: "audio", frames: 97, bands: 40, feature: "log-mel" });
    expect(backbone.model.inputs[0]?.shape).toEqual([null, 97, 40, 1]);
    expect(backbone.model.layers.every((l) => l.name.startsWith("speech_"))).toBe(true);
    expect(backbone.model.layers.some((l) => l.getClassName() === "DepthwiseConv2D")).toBe(true);
    expect(backbone.model.getLayer("speech_stem_bn").getConfig()["momentum"]).toBe(0.9);
    const out = tf.tidy(() => (backbone.model.predict(tf.randomNormal([2, 97, 40, 1], 0, 1, "float32", 3)) as tf.Tensor).shape);
    expect(out).toEqual([2, 64]);
    backbone.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should end with a GRU over time when asked, and use plain conv blocks when not separable", () => {
    const backbone = speechBackbone({ frames: 32, bands: 16, width: 12, blocks: 2, gru: true, separable: false });
    expect(backbone.model.outputs[0]?.shape).toEqual([null, 12]);
    expect(backbone.model.getLayer("speech_gru")).toBeDefined();
    expect(backbone.model.layers.some((l) => l.getClassName() === "DepthwiseConv2D")).toBe(false);
    backbone.model.dispose();
  });

  it("should initialise identically with the same seed", () => {
    const a = speechBackbone({ frames: 16, bands: 8, width: 8, blocks: 1, seed: 4 });
    const b = speechBackbone({ frames: 16, bands: 8, width: 8, blocks: 1, seed: 4 });
    const wa = a.model.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    a.model.dispose();
    b.model.dispose();
  });

  it("should train from scratch with a wake-word head until it separates two synthetic classes", async () => {
    const backbone = speechBackbone({ frames: 16, bands: 8, width: 8, blocks: 2, seed: 2 });
    const head = wakeWordHead({ units: [8], dropout: 0 })({ featureShape: backbone.featureShape, task: binary, takenNames: new Set(backbone.model.layers.map((l) => l.name)), seed: 3 });
    const model = attach(backbone.model.inputs[0] as tf.SymbolicTensor, backbone.model.outputs[0] as tf.SymbolicTensor, head.layers);
    model.compile({ optimizer: tf.train.adam(0.02), loss: "binaryCrossentropy" });
    // Positives carry energy in bands 5–6 of frames 4–11; negatives are plain noise.
    const [x, y] = tf.tidy(() => {
      const noise = tf.randomNormal([32, 16, 8, 1], 0, 0.5, "float32", 9);
      const mask = tf.buffer([32, 16, 8, 1]);
      for (let n = 0; n < 16; n++) for (let f = 4; f < 12; f++) for (let b = 5; b < 7; b++) mask.set(2, n, f, b, 0);
      const labels = tf.tensor2d(Array.from({ length: 32 }, (_, n) => [n < 16 ? 1 : 0]));
      return [noise.add(mask.toTensor()), labels];
    });
    const history = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history["loss"] as number[];
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) * 0.5);
    x.dispose();
    y.dispose();
    model.dispose();
  });
});

describe("wakeWordHead", () => {
  beforeAll(async () => {
    await loadEngine({ engine: "cpu" });
  });

  it("should stack dense, batch norm, ReLU and dropout layers and end in one sigmoid", () => {
    const { spec, layers } = wakeWordHead({ batchNorm: true })({ featureShape: [64], task: binary, takenNames: new Set() });
    expect(layers.map((l) => l.name)).toEqual([
      "wake_dense1", "wake_bn1", "wake_relu1", "wake_dropout1",
      "wake_dense2", "wake_bn2", "wake_relu2", "wake_dropout2",
      "wake_output",
    ]);
    expect(spec).toEqual({ kind: "audio:wake-word", units: [64, 32], dropout: 0.2, batchNorm: true, gru: null, output: "wake_output", activation: "sigmoid", outputs: 1 });
    const input = tf.input({ shape: [64] });
    const model = attach(input, input, layers);
    expect(model.outputs[0]?.shape).toEqual([null, 1]);
    const out = tf.tidy(() => Array.from((model.predict(tf.randomNormal([3, 64])) as tf.Tensor).dataSync()));
    expect(out.every((v) => v > 0 && v < 1)).toBe(true);
    model.dispose();
  });

  it("should avoid names already taken", () => {
    const { layers } = wakeWordHead({ units: [4], dropout: 0 })({ featureShape: [8], task: binary, takenNames: new Set(["wake_output", "wake_dense1", "wake_dense1_2"]) });
    expect(layers.map((l) => l.name)).toEqual(["wake_dense1_3", "wake_relu1", "wake_output_2"]);
  });

  it("should run a GRU over a backbone cut before pooling", () => {
    const backbone = speechBackbone({ frames: 16, bands: 8, width: 8, blocks: 2 });
    const cut = backbone.model.getLayer("speech_block2_relu").output as tf.SymbolicTensor;
    const featureShape = cut.shape.slice(1) as number[];
    expect(featureShape).toEqual([4, 2, 8]);
    const { layers } = wakeWordHead({ gru: 6, units: [4] })({ featureShape, task: binary, takenNames: new Set() });
    expect(layers.slice(0, 2).map((l) => l.name)).toEqual(["wake_to_sequence", "wake_gru"]);
    const model = attach(backbone.model.inputs[0] as tf.SymbolicTensor, cut, layers);
    const shape = tf.tidy(() => (model.predict(tf.zeros([2, 16, 8, 1])) as tf.Tensor).shape);
    expect(shape).toEqual([2, 1]);
    model.dispose();
  });

  it("should refuse a GRU on pooled features and use softmax for a multiclass task", () => {
    expect(() => wakeWordHead({ gru: 8 })({ featureShape: [64], task: binary, takenNames: new Set() })).toThrow(/needs sequence features/);
    const { spec } = wakeWordHead()({ featureShape: [64], task: { kind: "multiclass", labels: ["a", "b", "c"] }, takenNames: new Set() });
    expect(spec).toMatchObject({ activation: "softmax", outputs: 3 });
  });
});
