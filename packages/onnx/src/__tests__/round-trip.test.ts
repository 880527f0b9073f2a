import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { createRng, fileSystem, loadEngine } from "@graft/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { importOnnx } from "../index.js";
import { attr, OnnxGraph } from "./onnx-graph.js";
import { relativeError, runOrt } from "./ort.js";
import { uniform } from "./parity.js";

const DIMS = [4, 3, 8, 8];

/** A small conv net that needs every custom layer the importer can emit. */
function convNet(): Uint8Array {
  const rng = createRng(3);
  const g = new OnnxGraph("roundtrip");
  const w = (name: string, dims: number[]): string => g.initializer(name, dims, uniform(rng, dims.reduce((a, b) => a * b, 1), 0.5));
  const x = g.input("x", ["N", ...DIMS.slice(1)]);
  const conv = g.node("Conv", [x, w("w1", [6, 3, 3, 3]), w("b1", [6])], { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) });
  const bn = g.node("BatchNormalization", [conv, w("scale", [6]), w("beta", [6]), w("mean", [6]), g.initializer("var", [6], [1, 0.5, 2, 1, 1.5, 0.8])]);
  const clipped = g.node("Clip", [bn, g.initializer("lo", [], [-0.5]), g.initializer("hi", [], [0.75])]);
  const elu = g.node("Elu", [g.node("Conv", [clipped, w("dw", [6, 1, 3, 3])], { group: attr.int(6), pads: attr.ints([1, 1, 1, 1]) })], { alpha: attr.float(0.5) });
  const diff = g.node("Sub", [elu, g.node("Mul", [clipped, g.initializer("half", [], [0.5])])]);
  const maxed = g.node("MaxPool", [diff], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) });
  const pooled = g.node("Flatten", [g.node("GlobalAveragePool", [maxed])]);
  g.output(g.node("Softmax", [g.node("Gemm", [pooled, w("fc", [3, 6]), w("fc_b", [3])], { transB: attr.int(1) })]));
  return g.encode();
}

/** The batch channels-last for TF.js and in NCHW order for onnxruntime. */
function batch(seed: number): { nchw: Float32Array; nhwc: tf.Tensor4D } {
  const nchw = uniform(createRng(seed), DIMS.reduce((a, b) => a * b, 1), 2);
  const nhwc = tf.tidy(() => tf.transpose(tf.tensor4d(nchw, DIMS as [number, number, number, number]), [0, 2, 3, 1]));
  return { nchw, nhwc };
}

describe("an imported ONNX model", () => {
  let dir: string;
  beforeAll(async () => {
    await loadEngine();
    dir = await mkdtemp(path.join(tmpdir(), "graft-onnx-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("should save and load back with tf.loadLayersModel and give the same outputs", async () => {
    const bytes = convNet();
    const before = tf.memory().numTensors;
    const model = await importOnnx(bytes);
    const classNames = new Set(model.layers.map((l) => l.getClassName()));
    expect([...classNames].filter((n) => n.startsWith("Onnx")).sort()).toEqual(["OnnxBinaryOp", "OnnxConstantOp", "OnnxConstantPad", "OnnxElu"]);
    await model.save(fileSystem(path.join(dir, "model")));
    const loaded = await tf.loadLayersModel(fileSystem(path.join(dir, "model")));

    const { nchw, nhwc } = batch(11);
    const [a, b] = tf.tidy(() => [model, loaded].map((m) => (m.predict(nhwc) as tf.Tensor).dataSync().slice()));
    const expected = await runOrt(bytes, nchw, DIMS);
    expect(relativeError(a ?? [], expected.data)).toBeLessThanOrEqual(1e-4);
    expect(Array.from(b ?? [])).toEqual(Array.from(a ?? []));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));

    nhwc.dispose();
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should fine-tune: a few fit steps change the trainable weights and leave the ONNX constants", async () => {
    const before = tf.memory().numTensors;
    const model = await importOnnx(convNet());
    const snapshot = (weights: tf.LayerVariable[]): Float32Array[] => weights.map((w) => w.read().dataSync().slice() as Float32Array);
    const trainable = snapshot(model.trainableWeights);
    const fixed = snapshot(model.nonTrainableWeights);
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: "categoricalCrossentropy" });

    const { nhwc } = batch(12);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1], "int32"), 3));
    const history = await model.fit(nhwc, labels, { epochs: 3, batchSize: 4, verbose: 0 });
    const losses = history.history["loss"] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]).toBeLessThan(losses[0] ?? 0);

    // Every kernel, bias and batch-norm scale/offset moves; the clip bounds and the Mul constant (non-trainable) do not.
    const moved = snapshot(model.trainableWeights).map((after, i) => ({ name: model.trainableWeights[i]?.name, moved: relativeError(after, trainable[i] ?? []) > 1e-6 }));
    expect(moved.filter((w) => !w.moved)).toEqual([]);
    expect(moved.map((w) => w.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^conv_0\/kernel/), expect.stringMatching(/^gemm_\d+\/kernel/)]));
    const constants = model.nonTrainableWeights.filter((w) => w.name.includes("/constant"));
    expect(constants).toHaveLength(3);
    const originals = model.nonTrainableWeights.map((w, i) => ({ w, before: fixed[i] ?? new Float32Array() })).filter(({ w }) => constants.includes(w));
    for (const { w, before } of originals) expect(Array.from(w.read().dataSync())).toEqual(Array.from(before));

    tf.dispose([nhwc, labels]);
    optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
