import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cutBackbone, releaseUnusedLayers } from "../backbone/cut-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import { denseHead } from "../head/dense-head.js";
import { loadPredictor } from "../predict/predictor.js";
import type { EpochRecord } from "../train/fit.js";
import { phaseRecords } from "../train/phase-records.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { separableData, taskAModel } from "./fixtures/tiny-models.js";

const task = { kind: "binary", labels: ["n", "p"] } as const;

/** Every path in `json` whose last key is `key`, as dotted strings. */
function pathsTo(json: unknown, key: string, at = ""): string[] {
  if (typeof json !== "object" || json === null) return [];
  return Object.entries(json).flatMap(([k, v]) => {
    const here = at ? `${at}.${k}` : k;
    return [...(k === key ? [here] : []), ...pathsTo(v, key, here)];
  });
}

describe("graft.json phases", () => {
  let dir: string;
  beforeAll(async () => {
    await loadEngine();
    dir = await mkdtemp(join(tmpdir(), "graft-phases-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should record each phase's freeze policy exactly once and load it back", async () => {
    const before = tf.memory().numTensors;
    const source = taskAModel(5);
    const backbone = cutBackbone(source, { at: "a_dense2" });
    releaseUnusedLayers(source, backbone);
    const model = createTransferModel({
      backbone,
      task,
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
    const out = join(dir, "model");
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

describe("phaseRecords", () => {
  const record = (phase: string, epoch: number, freeze = "frozen"): EpochRecord => ({
    phase,
    epoch,
    freeze,
    cachedFeatures: true,
    metrics: { loss: 1 },
    seconds: 0,
  });

  it("should split same-named neighbours by their epoch numbers and leave out phases that never ran", () => {
    const records = [
      record("warm", 1),
      record("warm", 2), // stopped early: 2 of 3 planned
      record("warm", 1, "trainable"),
      record("last", 1, "trainable"),
    ];
    const got = phaseRecords(
      [
        { name: "warm", epochs: 3 },
        { name: "warm", epochs: 2, freeze: "trainable", learningRate: 0.5 },
        { name: "skipped", epochs: 0 },
        { name: "last", epochs: 4, backboneLrMult: 0.2 },
        { name: "aborted before its first epoch", epochs: 2 },
      ],
      records,
      0.1,
    );
    expect(got).toEqual([
      { name: "warm", freeze: "frozen", epochs: 2, learningRate: 0.1, backboneLrMult: 1 },
      { name: "warm", freeze: "trainable", epochs: 1, learningRate: 0.5, backboneLrMult: 1 },
      { name: "last", freeze: "trainable", epochs: 1, learningRate: 0.1, backboneLrMult: 0.2 },
    ]);
  });
});
