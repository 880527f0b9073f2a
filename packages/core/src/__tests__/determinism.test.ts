import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { cutBackbone } from "../backbone/cut-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import { denseHead } from "../head/dense-head.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { separableData, taskAModel } from "./fixtures/tiny-models.js";

const task = { kind: "binary", labels: ["no", "yes"] } as const;

async function run(seed: number) {
  const model = createTransferModel({
    backbone: cutBackbone(taskAModel(1), { at: "a_dense2" }),
    task,
    head: denseHead({ units: [8], dropout: 0.2 }),
    freeze: { top: 1 },
    seed,
  });
  const initial = model.headModel.weights.map((w) => Array.from(w.read().dataSync()));
  const data = separableData(80, 2, 61);
  const history = await model.fit(data, { epochs: 3, batchSize: 16, validation: 0.25, seed });
  const report = await model.evaluate(data);
  data.dispose();
  model.dispose();
  return { initial, losses: history.epochs.map((e) => e.metrics), accuracy: report.accuracy };
}

describe("determinism", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should give the same initial weights, splits and metrics for the same seed", async () => {
    const a = await run(3);
    const b = await run(3);
    expect(b.initial).toEqual(a.initial);
    expect(b.losses).toEqual(a.losses);
    expect(b.accuracy).toBe(a.accuracy);
    const c = await run(4);
    expect(c.initial).not.toEqual(a.initial);
  });

  it("should keep the number of tensors flat across 50 epochs", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(2), { at: "a_dense2" }), task, freeze: "trainable" });
    const data = separableData(32, 2, 62);
    const counts: number[] = [];
    await model.fit(data, {
      epochs: 50,
      batchSize: 16,
      validation: 0.25,
      earlyStopping: { patience: 100 },
      onProgress: (e) => {
        if (e.type === "epoch-end") counts.push(tf.memory().numTensors);
      },
    });
    expect(counts).toHaveLength(50);
    // From epoch 2 on, early stopping also holds a snapshot of the best weights.
    expect(new Set(counts.slice(1)).size).toBe(1);
    data.dispose();
    model.dispose();
  });
});
