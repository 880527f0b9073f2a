import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { cutBackbone } from "../backbone/cut-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import { ConfigError, TrainingError } from "../errors.js";
import { denseHead } from "../head/dense-head.js";
import { applyStep, createParamGroup } from "../train/param-groups.js";
import { weightedLoss } from "../train/loss.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { tensorDataset } from "../data/tensor-dataset.js";
import { separableData, snapshotWeights, taskAModel } from "./fixtures/tiny-models.js";

const binary = { kind: "binary", labels: ["no", "yes"] } as const;

describe("fit", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should update each parameter group at its own learning rate", () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(3), { at: "a_dense2" }), task: binary, freeze: { top: 1 }, seed: 1 });
    const data = separableData(16, 2, 31);
    const x = data.x;
    const y = tf.tensor2d(data.labels as number[], [16, 1]);
    const loss = () => weightedLoss(binary, model.model.apply(x, { training: true }) as tf.Tensor, y, undefined);
    const head = model.headModel.trainableWeights;
    const trunk = model.backbone.model.trainableWeights;
    expect(trunk.map((w) => w.originalName)).toEqual(["a_dense2/kernel", "a_dense2/bias"]);
    const vars = [...head, ...trunk].map((w) => w.read() as tf.Variable);
    const { grads, value } = tf.variableGrads(loss, vars);
    const before = vars.map((v) => v.dataSync().slice());
    const groups = [createParamGroup("head", head, "sgd", 0.1), createParamGroup("backbone", trunk, "sgd", 0.1 * 0.01)];
    applyStep(groups, loss).dispose();
    vars.forEach((v, i) => {
      const rate = i < head.length ? 0.1 : 0.001;
      const g = grads[v.name]?.dataSync() ?? new Float32Array();
      const now = v.dataSync();
      now.forEach((w, j) => expect(w).toBeCloseTo((before[i]?.[j] ?? 0) - rate * (g[j] ?? 0), 6));
    });
    expect(vars.some((v, i) => i >= head.length && v.dataSync().some((w, j) => w !== before[i]?.[j]))).toBe(true);
    tf.dispose([value, y, ...Object.values(grads)]);
    groups.forEach((g) => g.optimizer.dispose());
    data.dispose();
  });

  it("should run a staged schedule: head first, then the top layers at a lower rate", async () => {
    const source = taskAModel(4);
    const backbone = cutBackbone(source, { at: "a_dense2" });
    const model = createTransferModel({ backbone, task: binary, head: denseHead({ units: [8] }), seed: 2 });
    const data = separableData(64, 2, 32);
    const start = snapshotWeights(backbone.model);
    const events: string[] = [];
    const history = await model.fit(data, {
      batchSize: 16,
      phases: [
        { name: "head", epochs: 2, freeze: "frozen", learningRate: 0.01 },
        { name: "fine-tune", epochs: 2, freeze: { top: 1 }, learningRate: 0.01, backboneLrMult: 0.1 },
      ],
      onProgress: (e) => {
        if (e.type !== "batch-end") events.push(`${e.type}:${e.phaseName}:${e.epoch}`);
      },
    });
    expect(history.epochs.map((e) => [e.phase, e.freeze, e.cachedFeatures])).toEqual([
      ["head", "frozen", true],
      ["head", "frozen", true],
      ["fine-tune", "top:1", false],
      ["fine-tune", "top:1", false],
    ]);
    expect(events).toEqual([
      "phase-begin:head:0", "epoch-end:head:1", "epoch-end:head:2",
      "phase-begin:fine-tune:0", "epoch-end:fine-tune:1", "epoch-end:fine-tune:2", "end::0",
    ]);
    const end = snapshotWeights(backbone.model);
    expect(end.get("a_dense2/kernel")).not.toEqual(start.get("a_dense2/kernel"));
    expect(end.get("a_dense1/kernel")).toEqual(start.get("a_dense1/kernel"));
    data.dispose();
    model.dispose();
  });

  it("should stop cleanly when the signal aborts, keeping the weights trained so far", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(5), { at: "a_dense2" }), task: binary });
    const data = separableData(64, 2, 33);
    const controller = new AbortController();
    let batches = 0;
    const history = await model.fit(data, {
      epochs: 50,
      batchSize: 8,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === "batch-end" && ++batches === 12) controller.abort();
      },
    });
    expect(history.stopped).toBe("aborted");
    expect(history.epochs).toHaveLength(1);
    expect(batches).toBe(12);
    data.dispose();
    model.dispose();
  });

  it("should stop early when validation loss stops improving and restore the best weights", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(6), { at: "a_dense2" }), task: binary, head: denseHead({ units: [32] }) });
    const data = separableData(40, 2, 34);
    const history = await model.fit(data, {
      epochs: 200,
      learningRate: 0.05,
      validation: 0.3,
      earlyStopping: { patience: 3 },
    });
    expect(history.stopped).toBe("early-stopping");
    expect(history.epochs.length).toBeLessThan(200);
    const losses = history.epochs.map((e) => e.metrics["val_loss"] ?? Infinity);
    const best = Math.min(...losses);
    expect(losses.indexOf(best)).toBe(losses.length - 4);
    data.dispose();
    model.dispose();
  });

  it("should weight classes so a rare class is not ignored", async () => {
    const data = separableData(120, 2, 35);
    // Keep all negatives and only a few positives.
    const labels = data.labels as number[];
    const keep = labels.map((l, i) => (l === 0 || i % 8 === 0 ? i : -1)).filter((i) => i >= 0);
    const x = tf.gather(data.x, keep);
    const skewed = { ...data, size: keep.length, labels: keep.map((i) => labels[i] as number), batch: (ids: readonly number[]) => tf.gather(x, [...ids]) };
    const recall = async (classWeights?: "balanced") => {
      const model = createTransferModel({ backbone: cutBackbone(taskAModel(7), { at: "a_dense2" }), task: binary, seed: 3 });
      await model.fit(skewed, { epochs: 5, learningRate: 0.01, ...(classWeights ? { classWeights } : {}) });
      const test = separableData(200, 2, 36);
      const probs = await model.predictDataset(test);
      const positives = (test.labels as number[]).map((l, i) => [l, probs[i]?.[0] ?? 0] as const).filter(([l]) => l === 1);
      test.dispose();
      model.dispose();
      return positives.filter(([, p]) => p >= 0.5).length / positives.length;
    };
    expect(await recall("balanced")).toBeGreaterThan(await recall());
    x.dispose();
    data.dispose();
  });

  it("should stop with a TrainingError naming the learning rate when the loss is not finite", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(8), { at: "a_dense2" }), task: binary });
    const data = separableData(16, 2, 37);
    const bad = { ...data, batch: (ids: readonly number[]) => tf.fill([ids.length, 8], NaN) };
    await expect(model.fit(bad, { epochs: 1, featureCache: false })).rejects.toThrow(TrainingError);
    await expect(model.fit(bad, { epochs: 1, featureCache: false })).rejects.toThrow(/NaN or infinite.*lower the learning rate/s);
    data.dispose();
  });

  it("should reject bad options before training", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(9), { at: "a_dense2" }), task: binary });
    const data = separableData(16, 2, 38);
    await expect(model.fit(data, { batchSize: 0 })).rejects.toThrow(ConfigError);
    await expect(model.fit(data, { validation: 1.5 })).rejects.toThrow(/between 0 and 1, got 1.5/);
    data.dispose();
  });

  it("should train the head alone on features the backbone already produced", async () => {
    const backbone = cutBackbone(taskAModel(5), { at: "a_dense2" });
    const model = createTransferModel({ backbone, task: binary, head: denseHead({ units: [8] }), seed: 3 });
    const data = separableData(96, 2, 33);
    const features = tensorDataset(backbone.model.predict(data.x) as tf.Tensor, data.labels);
    const start = snapshotWeights(backbone.model);
    const before = tf.memory().numTensors;
    const history = await model.fit(features, { inputs: "features", batchSize: 16, phases: [{ epochs: 30, freeze: "frozen", learningRate: 0.02 }], seed: 3 });
    const losses = history.epochs.map((e) => e.metrics["loss"] ?? Number.NaN);
    expect(losses.at(-1)).toBeLessThan(0.8 * (losses[0] ?? 0));
    const predicted = tf.tidy(() => (model.model.predict(data.x) as tf.Tensor).greater(0.5).dataSync());
    const accuracy = data.labels.filter((label, i) => Number(predicted[i]) === label).length / data.labels.length;
    expect(accuracy).toBeGreaterThan(0.75);
    for (const [name, values] of snapshotWeights(backbone.model)) expect(values).toEqual(start.get(name));
    await expect(model.fit(features, { inputs: "features", phases: [{ epochs: 1, freeze: { top: 1 } }] })).rejects.toThrow(/inputs "features".*trains 2 backbone weights/s);
    expect(tf.memory().numTensors).toBe(before);
    features.dispose?.();
    data.dispose();
    model.dispose();
  });
});
