import { loadEngine, type Task } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { embeddingWakeWordHead, type EmbeddingHeadKind } from "../../speech-embedding/embedding-head.js";
import { chainInference } from "../chain-inference.js";

function headModel(kind: EmbeddingHeadKind, labels: string[], dropout = 0): tf.LayersModel {
  const task: Task = labels.length === 2 ? { kind: "binary", labels: [labels[0]!, labels[1]!] } : { kind: "multiclass", labels };
  const head = embeddingWakeWordHead({ kind, dropout })({ featureShape: [16, 96], task, takenNames: new Set() });
  const input = tf.input({ shape: [16, 96] });
  const model = tf.model({ inputs: input, outputs: head.layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input) });
  // Non-trivial layer-norm scales and shifts (they start at 1 and 0).
  let seed = 3;
  model.setWeights(model.getWeights().map((w) => tf.tidy(() => tf.randomUniform(w.shape, -0.5, 0.5, "float32", seed++))));
  return model;
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe("chainInference", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it.each([
    ["dense", ["other", "wake"]],
    ["dense", ["a", "b", "c"]],
    ["conv1d", ["other", "wake"]],
    ["gru", ["a", "b", "c"]],
  ] as const)("should score a %s head with labels %j as predict does, one row or several, without leaking tensors", (kind, labels) => {
    const model = headModel(kind, [...labels], 0.3);
    const forward = chainInference(model);
    for (const rows of [1, 5]) {
      const x = tf.randomNormal([rows, 16, 96], 0, 1, "float32", rows);
      tf.tidy(() => forward(x)); // first call: kernels warm
      const before = tf.memory().numTensors;
      const fast = tf.tidy(() => forward(x));
      const slow = tf.tidy(() => model.predict(x) as tf.Tensor);
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(fast.shape).toEqual(slow.shape);
      expect(maxDiff(fast, slow)).toBeLessThan(1e-5);
      tf.dispose([x, fast, slow]);
    }
    model.dispose();
  });

  it("should run a dense head on one window in a few kernels, where predict runs dozens", async () => {
    const model = headModel("dense", ["other", "wake"]);
    const forward = chainInference(model);
    const x = tf.randomNormal([1, 16, 96], 0, 1, "float32", 2);
    const kernels = async (f: () => tf.Tensor): Promise<string[]> => (await tf.profile(() => tf.tidy(() => void f().dataSync()))).kernels.map((k) => k.name);
    const fast = await kernels(() => forward(x));
    const slow = await kernels(() => model.predict(x) as tf.Tensor);
    expect(fast).toEqual(["Reshape", "Reshape", "_FusedMatMul", "Mean", "Sub", "Square", "Mean", "FusedBatchNorm", "Relu"].concat(["Reshape", "_FusedMatMul", "Mean", "Sub", "Square", "Mean", "FusedBatchNorm", "Relu"], ["Reshape", "_FusedMatMul", "Reshape"]));
    expect(slow.length).toBeGreaterThan(3 * fast.length);
    x.dispose();
    model.dispose();
  });

  it("should follow new weights, as fine-tuning sets them", () => {
    const model = headModel("dense", ["other", "wake"]);
    const forward = chainInference(model);
    const x = tf.randomNormal([2, 16, 96], 0, 1, "float32", 11);
    const first = tf.tidy(() => forward(x));
    model.setWeights(model.getWeights().map((w) => tf.tidy(() => tf.mul(w, -1.5))));
    const fast = tf.tidy(() => forward(x));
    const slow = tf.tidy(() => model.predict(x) as tf.Tensor);
    expect(maxDiff(fast, first)).toBeGreaterThan(1e-3);
    expect(maxDiff(fast, slow)).toBeLessThan(1e-5);
    tf.dispose([x, first, fast, slow]);
    model.dispose();
  });

  it("should use predict for a model that is not one chain", () => {
    const input = tf.input({ shape: [8] });
    const a = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    const x = tf.randomNormal([3, 8], 0, 1, "float32", 5);
    const fast = tf.tidy(() => chainInference(model)(x));
    const slow = tf.tidy(() => model.predict(x) as tf.Tensor);
    expect(maxDiff(fast, slow)).toBe(0);
    tf.dispose([x, fast, slow]);
    model.dispose();
  });
});
