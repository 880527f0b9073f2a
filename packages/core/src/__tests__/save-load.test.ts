import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cutBackbone, releaseUnusedLayers } from "../backbone/cut-backbone.js";
import { loadBackbone } from "../backbone/load-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import { ConfigError } from "../errors.js";
import { denseHead } from "../head/dense-head.js";
import { loadPredictor } from "../predict/predictor.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { separableData, taskAModel } from "./fixtures/tiny-models.js";

const run = promisify(execFile);
const task = { kind: "multiclass", labels: ["x0", "x1", "x2"] } as const;

/** Every path in `json` whose last key is `key`, as dotted strings. */
function pathsTo(json: unknown, key: string, at = ""): string[] {
  if (typeof json !== "object" || json === null) return [];
  return Object.entries(json).flatMap(([k, v]) => {
    const here = at ? `${at}.${k}` : k;
    return [...(k === key ? [here] : []), ...pathsTo(v, key, here)];
  });
}

describe("TransferModel.save", () => {
  let dir: string;
  beforeAll(async () => {
    await loadEngine();
    dir = await mkdtemp(join(tmpdir(), "graft-save-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should reload in a fresh process with plain TF.js: the same weights, the same predictions", async () => {
    const model = createTransferModel({ backbone: cutBackbone(taskAModel(2), { at: "a_dense2" }), task, head: denseHead({ units: [6] }), freeze: "trainable" });
    const data = separableData(60, 3, 41);
    await model.fit(data, { epochs: 3 });
    const inputs = [[0.1, -1, 2, 0, 0, 0, 0, 0], [1, 1, -1, 0.5, 0, 0, 0, 0]];
    const before = model.predict(tf.tensor2d(inputs));
    const expected = (await before.array()) as number[][];
    before.dispose();
    await model.save(join(dir, "a"), { metrics: { note: "test" } });
    const child = await run(process.execPath, [join(import.meta.dirname, "fixtures/predict-plain.mjs"), join(dir, "a"), JSON.stringify(inputs)]);
    const plain = JSON.parse(child.stdout) as { predictions: number[][]; weights: number[][] };
    // The file holds the weights exactly; plain TF.js runs the stock wasm
    // kernels, which round a little differently from graft's (batch norm).
    expect(plain.weights).toEqual(model.model.getWeights().map((w) => Array.from(w.dataSync())));
    plain.predictions.flat().forEach((p, i) => expect(p).toBeCloseTo(expected.flat()[i]!, 6));

    const predictor = await loadPredictor(join(dir, "a"));
    expect(predictor.manifest).toMatchObject({ task, head: { layerNames: ["head_dense_1", "head_output"] }, extra: { trainExamples: 60 }, metrics: { note: "test" } });
    const again = predictor.predict(tf.tensor2d(inputs));
    expect(await again.array()).toEqual(expected);
    await expect(predictor.predictRaw(["x.png"])).rejects.toThrow(ConfigError);
    tf.dispose(again);
    predictor.dispose();
    data.dispose();
  });

  it("should cut a saved task-A model again, carrying its provenance (m_A)", async () => {
    const pre = createTransferModel({ backbone: cutBackbone(taskAModel(3), { at: "a_dense2", provenance: { task: "random init" } }), task, freeze: "trainable" });
    const data = separableData(90, 3, 42);
    await pre.fit(data, { epochs: 2 });
    await pre.save(join(dir, "pretrained"));
    const backbone = await loadBackbone(join(dir, "pretrained"));
    expect(backbone.provenance).toMatchObject({ cutAt: "a_dense2", examples: 90, task: "multiclass over 3 labels (x0, x1, x2)" });
    expect(backbone.featureShape).toEqual([16]);
    const expected = tf.tidy(() => (pre.backbone.model.predict(data.x) as tf.Tensor).dataSync());
    const actual = tf.tidy(() => (backbone.model.predict(data.x) as tf.Tensor).dataSync());
    expect(Array.from(actual)).toEqual(Array.from(expected));
    const transfer = createTransferModel({ backbone, task: { kind: "binary", labels: ["n", "p"] } });
    const test = separableData(20, 2, 43);
    const report = await transfer.evaluate(test);
    expect(report.examples).toBe(20);
    expect(report.confusion?.flat().reduce((a, b) => a + b, 0)).toBe(20);
    tf.dispose([data.x, test.x]);
  });

  it("should record each phase's freeze policy exactly once and load it back", async () => {
    const before = tf.memory().numTensors;
    const source = taskAModel(5);
    const backbone = cutBackbone(source, { at: "a_dense2" });
    releaseUnusedLayers(source, backbone);
    const model = createTransferModel({
      backbone,
      task: { kind: "binary", labels: ["n", "p"] },
      head: denseHead({ units: [4] }),
    });
    const data = separableData(40, 2, 51);
    await model.fit(data, {
      phases: [
        { name: "head", epochs: 2, learningRate: 0.01 },
        { name: "fine-tune", epochs: 1, freeze: { top: 1 }, learningRate: 0.002, backboneLrMult: 0.1 },
      ],
    });
    // A second fit keeps the policy the first one ended with.
    await model.fit(data, { epochs: 1 });
    const out = join(dir, "phases");
    await model.save(out);

    const json = JSON.parse(await readFile(join(out, "graft.json"), "utf8")) as Record<string, unknown>;
    expect(pathsTo(json, "freeze")).toEqual(["freeze", "phases.0.freeze", "phases.1.freeze", "phases.2.freeze"]);
    // The top level keeps the policy the model was created with.
    expect(json["freeze"]).toBe("frozen");
    const phases = [
      { name: "head", freeze: "frozen", epochs: 2, learningRate: 0.01, backboneLrMult: 1 },
      { name: "fine-tune", freeze: "top:1", epochs: 1, learningRate: 0.002, backboneLrMult: 0.1 },
      { name: "phase 1", freeze: "top:1", epochs: 1, learningRate: 1e-3, backboneLrMult: 1 },
    ];
    expect(json["phases"]).toEqual(phases);
    const schedule = json["schedule"] as Record<string, unknown>[];
    expect(schedule.map((e) => `${String(e["phase"])}#${String(e["epoch"])}`)).toEqual([
      "head#1",
      "head#2",
      "fine-tune#1",
      "phase 1#1",
    ]);
    for (const e of schedule) expect(typeof e["loss"]).toBe("number");

    const predictor = await loadPredictor(out);
    expect(predictor.manifest.phases).toEqual(phases);
    expect(predictor.manifest.freeze).toBe("frozen");
    const x = tf.tensor2d([[1, 1, 0, 0, 0, 0, 0, 0]]);
    const expected = model.predict(x);
    const actual = predictor.predict(x);
    expect(Array.from(await actual.data())).toEqual(Array.from(await expected.data()));
    tf.dispose([x, expected, actual, data.x]);
    predictor.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
