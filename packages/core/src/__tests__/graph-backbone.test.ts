import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { featureBackbone, graphModelFeatures } from "../backbone/graph-backbone.js";
import { tensorDataset } from "../data/tensor-dataset.js";
import { loadEngine } from "../engine/load-engine.js";
import { createTransferModel } from "../transfer/transfer-model.js";

/** A tiny frozen graph: y = relu(x · W), W fixed, as a TF.js GraphModel built from a GraphDef. */
async function tinyGraphModel(): Promise<tf.GraphModel> {
  const w = [1, -1, 0.5, 2, 0, 1];
  const modelTopology = {
    node: [
      { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: { dim: [{ size: "-1" }, { size: "2" }] } } } },
      { name: "w", op: "Const", attr: { dtype: { type: "DT_FLOAT" }, value: { tensor: { dtype: "DT_FLOAT", tensorShape: { dim: [{ size: "2" }, { size: "3" }] } } } } },
      { name: "mm", op: "MatMul", input: ["x", "w"], attr: { T: { type: "DT_FLOAT" }, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: "out", op: "Relu", input: ["mm"], attr: { T: { type: "DT_FLOAT" } } },
    ],
    versions: { producer: 1 },
  };
  const weightData = new Float32Array(w).buffer;
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology, weightSpecs: [{ name: "w", shape: [2, 3], dtype: "float32" }], weightData, format: "graph-model" }));
}

describe("graphModelFeatures", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should extract features from a frozen GraphModel and train a head on them", async () => {
    const graph = await tinyGraphModel();
    const points = Array.from({ length: 80 }, (_, i) => [Math.cos(i), Math.sin(i * 1.3)]);
    const labels = points.map(([a = 0, b = 0]) => (a - b > 0 ? 1 : 0));
    const data = tensorDataset(tf.tensor2d(points), labels);
    const features = await graphModelFeatures(graph, data, { batchSize: 16 });
    expect(features.x.shape).toEqual([80, 3]);
    const first = features.x.slice([0, 0], [1, 3]).dataSync();
    const [a = 0, b = 0] = points[0] ?? [];
    const expected = [Math.max(0, a + 2 * b), Math.max(0, -a), Math.max(0, 0.5 * a + b)];
    first.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, 5));
    const model = createTransferModel({ backbone: featureBackbone([3], { source: "tiny graph" }), task: { kind: "binary", labels: ["n", "p"] }, seed: 1 });
    const history = await model.fit(features, { epochs: 40, batchSize: 16, learningRate: 0.05 });
    const losses = history.epochs.map((e) => e.metrics["loss"] ?? NaN);
    expect(losses.at(-1)).toBeLessThan((losses[0] ?? 0) * 0.8);
    expect(history.epochs.at(-1)?.metrics["accuracy"]).toBeGreaterThan(0.7);
    features.dispose();
    data.dispose();
    graph.dispose();
    model.dispose();
  });
});
