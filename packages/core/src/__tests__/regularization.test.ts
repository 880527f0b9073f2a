import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { cutBackbone, releaseUnusedLayers } from "../backbone/cut-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import type { FitOptions } from "../train/options.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import type { HeadFactory } from "../types.js";
import { separableData, snapshotWeights, taskAModel } from "./fixtures/tiny-models.js";

const binary = { kind: "binary", labels: ["no", "yes"] } as const;
const L2 = 0.25;
const RATE = 0.1;

/** One sigmoid output layer, with or without an L2 penalty on its kernel. */
function outputLayer(l2: number): HeadFactory {
  return () => ({
    spec: { kind: "test-output", l2 },
    layers: [
      tf.layers.dense({
        units: 1,
        activation: "sigmoid",
        name: "head_output",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }),
        ...(l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {}),
      }),
    ],
  });
}

/** The head kernel before and after one SGD update on 16 examples. */
async function oneUpdate(l2: number, options: FitOptions): Promise<[Float32Array, Float32Array]> {
  const source = taskAModel(12);
  const backbone = cutBackbone(source, { at: "a_dense2" });
  // Task A's output layer is not part of the cut; free it so the tensor count can be checked.
  releaseUnusedLayers(source, backbone);
  const model = createTransferModel({
    backbone,
    task: binary,
    head: outputLayer(l2),
    freeze: "frozen",
    seed: 3,
  });
  const data = separableData(16, 2, 42);
  const before = snapshotWeights(model.headModel).get("head_output/kernel") as Float32Array;
  await model.fit(data, { epochs: 1, batchSize: 16, optimizer: "sgd", learningRate: RATE, shuffle: false, ...options });
  const after = snapshotWeights(model.headModel).get("head_output/kernel") as Float32Array;
  data.dispose();
  model.dispose();
  return [before, after];
}

describe("weight penalties", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should add a layer's kernelRegularizer to the loss it trains on, once per update", async () => {
    const tensors = tf.memory().numTensors;
    for (const options of [
      { featureCache: true },
      { featureCache: false, microBatchSize: 16 },
      { featureCache: false, microBatchSize: 5 },
    ] satisfies FitOptions[]) {
      const [start, plain] = await oneUpdate(0, options);
      const [, penalised] = await oneUpdate(L2, options);
      // d(l2·Σw²)/dw = 2·l2·w, so SGD moves the penalised kernel by an extra rate·2·l2·w.
      start.forEach((w, i) => {
        expect((plain[i] ?? NaN) - (penalised[i] ?? NaN)).toBeCloseTo(RATE * 2 * L2 * w, 5);
      });
      expect(Math.max(...start.map(Math.abs))).toBeGreaterThan(0.05);
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
