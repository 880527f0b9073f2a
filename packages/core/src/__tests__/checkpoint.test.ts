import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cutBackbone } from "../backbone/cut-backbone.js";
import { loadEngine } from "../engine/load-engine.js";
import { ConfigError } from "../errors.js";
import { denseHead } from "../head/dense-head.js";
import type { FitOptions } from "../train/options.js";
import { createTransferModel } from "../transfer/transfer-model.js";
import { separableData, taskAModel } from "./fixtures/tiny-models.js";

const task = { kind: "binary", labels: ["no", "yes"] } as const;
const schedule: FitOptions = {
  batchSize: 16,
  seed: 5,
  phases: [
    { name: "head", epochs: 3, freeze: "frozen", learningRate: 0.01 },
    { name: "fine-tune", epochs: 3, freeze: { top: 1 }, learningRate: 0.01, backboneLrMult: 0.1 },
  ],
};
const fresh = () => createTransferModel({ backbone: cutBackbone(taskAModel(4), { at: "a_dense2" }), task, head: denseHead({ units: [8] }), seed: 6 });

describe("fit with checkpoints", () => {
  let dir: string;
  beforeAll(async () => {
    await loadEngine();
    dir = await mkdtemp(join(tmpdir(), "graft-ckpt-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should resume an interrupted run onto the same loss curve as an uninterrupted one", async () => {
    const data = separableData(64, 2, 51);
    const whole = await fresh().fit(data, schedule);

    for (const stopAt of [{ phase: 1, epoch: 3 }, { phase: 2, epoch: 2 }]) {
      const ckpt = join(dir, `run-${stopAt.phase}-${stopAt.epoch}`);
      const controller = new AbortController();
      const first = await fresh().fit(data, {
        ...schedule,
        checkpoint: { dir: ckpt },
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === "batch-end" && e.phase === stopAt.phase && e.epoch === stopAt.epoch) controller.abort();
        },
      });
      expect(first.stopped).toBe("aborted");
      const resumed = await fresh().fit(data, { ...schedule, checkpoint: { dir: ckpt }, resume: true });
      expect(resumed.epochs.map((e) => [e.phase, e.epoch])).toEqual(whole.epochs.map((e) => [e.phase, e.epoch]));
      resumed.epochs.forEach((e, i) => {
        expect(e.metrics["loss"]).toBeCloseTo(whole.epochs[i]?.metrics["loss"] ?? NaN, 6);
      });
    }
    data.dispose();
  });

  it("should refuse to resume a checkpoint of another run", async () => {
    const data = separableData(32, 2, 52);
    const ckpt = join(dir, "other");
    await fresh().fit(data, { ...schedule, checkpoint: { dir: ckpt } });
    await expect(fresh().fit(data, { ...schedule, batchSize: 8, checkpoint: { dir: ckpt }, resume: true })).rejects.toThrow(ConfigError);
    await expect(fresh().fit(data, { ...schedule, batchSize: 8, checkpoint: { dir: ckpt }, resume: true })).rejects.toThrow(/belongs to another run/);
    data.dispose();
  });
});
