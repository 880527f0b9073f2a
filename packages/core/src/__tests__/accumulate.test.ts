import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { cutBackbone } from "../backbone/cut-backbone.js";
import { tensorDataset } from "../data/tensor-dataset.js";
import { loadEngine } from "../engine/load-engine.js";
import { TrainingError } from "../errors.js";
import { activationBytesPerExample, chooseMicroBatch, trainingMemoryBudget } from "../train/memory-budget.js";
import type { FitOptions } from "../train/options.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { separableData, snapshotWeights, taskAModel } from "./fixtures/tiny-models.js";

const binary = { kind: "binary", labels: ["no", "yes"] } as const;

/** One SGD update on 16 examples with the whole backbone (which holds a BN layer) training. */
async function oneUpdate(options: FitOptions): Promise<Map<string, Float32Array>> {
  const model = createTransferModel({ backbone: cutBackbone(taskAModel(5), { at: "a_dense2" }), task: binary, freeze: "trainable", seed: 3 });
  const data = separableData(16, 2, 41);
  await model.fit(data, { epochs: 1, batchSize: 16, optimizer: "sgd", learningRate: 0.5, shuffle: false, featureCache: false, ...options });
  const weights = snapshotWeights(model.model);
  data.dispose();
  model.dispose();
  return weights;
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, values] of a) {
    const other = b.get(name) ?? new Float32Array();
    values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (other[i] ?? NaN)))));
  }
  return worst;
}

/** A conv trunk at `size` px: two 3×3 convs, then global average pooling. */
function convTrunk(size: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3] });
  let x = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" }).apply(input);
  x = tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }).apply(x);
  const out = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe("gradient accumulation", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should make one update over micro-batches equal one update over the full batch when BN statistics are frozen", async () => {
    const full = await oneUpdate({ microBatchSize: 16, freezeBatchNorm: true });
    const micro = await oneUpdate({ microBatchSize: 4, freezeBatchNorm: true });
    const uneven = await oneUpdate({ microBatchSize: 5, freezeBatchNorm: true });
    const start = snapshotWeights(createTransferModel({ backbone: cutBackbone(taskAModel(5), { at: "a_dense2" }), task: binary, seed: 3 }).model);
    expect(maxDifference(full, start)).toBeGreaterThan(1e-2);
    expect(maxDifference(full, micro)).toBeLessThan(1e-5);
    expect(maxDifference(full, uneven)).toBeLessThan(1e-5);
    // Training BN normalises by each micro-batch's statistics, so the same split then changes the update.
    const trainingBn = maxDifference(await oneUpdate({ microBatchSize: 16 }), await oneUpdate({ microBatchSize: 4 }));
    expect(trainingBn).toBeGreaterThan(1e-4);
  });

  it("should choose smaller micro-batches for larger inputs", () => {
    const small = convTrunk(32);
    const large = convTrunk(128);
    const perSmall = activationBytesPerExample(small);
    const perLarge = activationBytesPerExample(large);
    expect(perLarge / perSmall).toBeCloseTo(16, 0);
    const budget = { engine: "test", availableBytes: 64 * perSmall, limit: "a test budget" };
    expect(chooseMicroBatch({ batchSize: 32, bytesPerExample: perSmall, budget })).toBe(32);
    expect(chooseMicroBatch({ batchSize: 32, bytesPerExample: perLarge, budget })).toBe(4);
    expect(trainingMemoryBudget().availableBytes).toBeGreaterThan(0);
    tf.dispose([small, large].flatMap((m) => m.weights.map((w) => w.read())));
  });

  it("should say how many bytes one example needs and how to fix it when it does not fit", async () => {
    const budget = { engine: "wasm", availableBytes: 100 * 2 ** 20, limit: "the wasm heap's 4 GiB limit" };
    expect(() => chooseMicroBatch({ batchSize: 8, bytesPerExample: 300 * 2 ** 20, budget })).toThrow(TrainingError);
    expect(() => chooseMicroBatch({ batchSize: 8, bytesPerExample: 300 * 2 ** 20, budget })).toThrow(
      /needs about 300 MiB.*100 MiB is available on the wasm engine.*--input-size.*fewer layers/s,
    );
    // Through fit: a trunk whose upsampled activations cannot fit any machine, caught before a tensor is allocated.
    const input = tf.input({ shape: [8] });
    let x = tf.layers.reshape({ targetShape: [1, 1, 8] }).apply(input);
    x = tf.layers.upSampling2d({ size: [30_000, 30_000] }).apply(x);
    x = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: "huge_conv" }).apply(x);
    const out = tf.layers.globalAveragePooling2d({ name: "huge_pool" }).apply(x) as tf.SymbolicTensor;
    const model = createTransferModel({ backbone: cutBackbone(tf.model({ inputs: input, outputs: out }), { at: "huge_pool" }), task: binary, freeze: "trainable" });
    const data = separableData(4, 2, 3);
    const before = tf.memory().numTensors;
    await expect(model.fit(data, { epochs: 1 })).rejects.toThrow(/One training example needs about \d+ MiB/);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
    model.dispose();
  });

  it("should not leak tensors across accumulated updates", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(2), { at: "a_dense2" }), task: binary, freeze: "trainable", seed: 1 });
    const data = separableData(40, 2, 9);
    await model.fit(data, { epochs: 1, batchSize: 16, microBatchSize: 3, featureCache: false });
    const before = tf.memory().numTensors;
    const history = await model.fit(data, { epochs: 3, batchSize: 16, microBatchSize: 3, featureCache: false, learningRate: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.epochs.map((e) => e.microBatchSize)).toEqual([3, 3, 3]);
    const losses = history.epochs.map((e) => e.metrics["loss"] ?? NaN);
    expect(losses[2]).toBeLessThan(losses[0] ?? 0);
    const auto = await model.fit(tensorDataset(tf.randomNormal([8, 8]), [0, 1, 0, 1, 0, 1, 0, 1]), { epochs: 1, batchSize: 8, featureCache: false });
    expect(auto.epochs[0]?.microBatchSize).toBe(8);
    data.dispose();
    model.dispose();
  });
});
