import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { createRng, createTransferModel, cutBackbone, denseHead, loadEngine, loadPredictor, releaseUnusedLayers, tensorDataset } from "@graft/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { importOnnx } from "../index.js";
import { attr, OnnxGraph } from "./onnx-graph.js";
import { uniform } from "./parity.js";

/** A tiny "task A" net: normalise, Conv + Relu ("features"), pooled Gemm + Softmax head. */
function taskANet(): Uint8Array {
  const rng = createRng(21);
  const g = new OnnxGraph("task_a");
  const x = g.input("image", ["N", 3, 8, 8]);
  const scaled = g.node("Div", [g.node("Sub", [x, g.initializer("mean", [3, 1, 1], [0.5, 0.5, 0.5])]), g.initializer("std", [3, 1, 1], [0.25, 0.25, 0.25])]);
  const conv = g.node("Conv", [scaled, g.initializer("w", [6, 3, 3, 3], uniform(rng, 162, 0.5))], { pads: attr.ints([1, 1, 1, 1]) });
  const features = g.node("Relu", [conv], {}, { name: "features" });
  const pooled = g.node("Flatten", [g.node("GlobalAveragePool", [features])]);
  g.output(g.node("Softmax", [g.node("Gemm", [pooled, g.initializer("fc", [6, 10], uniform(rng, 60, 0.5))])]));
  return g.encode();
}

/**
 * Task B: reddish vs bluish noisy 8×8 images, channels-last. Colour survives
 * the global average pooling of the cut (a left/right layout would not).
 */
function taskB(n: number, seed: number): { x: tf.Tensor4D; labels: number[] } {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const values = labels.flatMap((label) =>
    Array.from({ length: 8 * 8 * 3 }, (_, i) => {
      const channel = i % 3;
      const bright = channel === (label === 0 ? 0 : 2);
      return bright ? 0.5 + 0.5 * rng.next() : 0.5 * rng.next();
    }),
  );
  return { x: tf.tensor4d(values, [n, 8, 8, 3]), labels };
}

describe("the README flow: import → cut → new head → train → save → load", () => {
  let dir: string;
  beforeAll(async () => {
    await loadEngine();
    dir = await mkdtemp(path.join(tmpdir(), "graft-onnx-flow-"));
    await writeFile(path.join(dir, "task-a.onnx"), taskANet());
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should train a new head on the imported backbone and load it back with the same predictions", async () => {
    const before = tf.memory().numTensors;
    const source = await importOnnx(path.join(dir, "task-a.onnx"));
    const backbone = cutBackbone(source, { at: "features", pooling: "avg" });
    releaseUnusedLayers(source, backbone); // the old Gemm + Softmax head
    expect(backbone.featureShape).toEqual([6]);
    const model = createTransferModel({ backbone, task: { kind: "binary", labels: ["left", "right"] }, head: denseHead({ units: [8] }), seed: 3 });
    const examples = taskB(32, 1);
    const train = tensorDataset(examples.x, examples.labels);
    const test = taskB(16, 2);
    const testData = tensorDataset(test.x, test.labels);
    await model.fit(train, { epochs: 30, batchSize: 8, learningRate: 0.02 });
    const report = await model.evaluate(testData);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
    await model.save(path.join(dir, "task-b"));

    const predictor = await loadPredictor(path.join(dir, "task-b"));
    const [a, b] = tf.tidy(() => [model.predict(test.x).dataSync().slice(), predictor.predict(test.x).dataSync().slice()]);
    expect(Array.from(b ?? [])).toEqual(Array.from(a ?? []));

    predictor.dispose();
    model.dispose();
    train.dispose();
    testData.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
