import { readFile } from "node:fs/promises";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";

import { loadEngine } from "../engine/load-engine.js";
import { loadPredictor } from "../predict/predictor.js";

const dir = join(import.meta.dirname, "fixtures/saved-2026-12");

describe("a graft.json saved before the plugin-contract change", () => {
  it("should still load and predict what it predicted when saved", async () => {
    await loadEngine();
    const before = tf.memory().numTensors;
    const { inputs, predictions } = JSON.parse(
      await readFile(join(dir, "expected.json"), "utf8"),
    ) as { inputs: number[][]; predictions: number[][] };
    const predictor = await loadPredictor(join(dir, "model"));
    expect(predictor.manifest.task).toEqual({ kind: "multiclass", labels: ["x0", "x1", "x2"] });
    const x = tf.tensor2d(inputs);
    const out = predictor.predict(x);
    ((await out.array()) as number[][])
      .flat()
      .forEach((p, i) => expect(p).toBeCloseTo(predictions.flat()[i]!, 5));
    tf.dispose([x, out]);
    predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
