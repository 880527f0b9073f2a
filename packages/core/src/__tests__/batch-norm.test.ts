import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { loadEngine } from "../engine/load-engine.js";
import { tensorDataset } from "../data/tensor-dataset.js";
import { copyWeightsByName, recalibrateBatchNorm, setBatchNormMomentum } from "../transfer/batch-norm.js";
import { taskAModel } from "./fixtures/tiny-models.js";

describe("recalibrateBatchNorm", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should set the moving statistics to the data's batch mean and variance", async () => {
    const model = taskAModel(1);
    const x = tf.randomNormal([64, 8], 3, 2, "float32", 5);
    const data = tensorDataset(x, new Array<number>(64).fill(0));
    expect(await recalibrateBatchNorm(model, data, { batchSize: 64 })).toBe(1);
    const bnInput = tf.tidy(() => (tf.model({ inputs: model.inputs, outputs: model.getLayer("a_dense1").output as tf.SymbolicTensor }).predict(x) as tf.Tensor));
    const { mean, variance } = tf.moments(bnInput, 0);
    const [movingMean, movingVariance] = model.getLayer("a_bn").getWeights().slice(2);
    expect(Array.from(movingMean?.dataSync() ?? [])).toEqual(Array.from(mean.dataSync()).map((v) => expect.closeTo(v, 4)));
    expect(Array.from(movingVariance?.dataSync() ?? []).every((v, i) => Math.abs(v - (variance.dataSync()[i] ?? 0)) < 1e-2 * (1 + v))).toBe(true);
    expect((model.getLayer("a_bn") as unknown as { momentum: number }).momentum).toBe(0.99);
    tf.dispose([bnInput, mean, variance, x]);
    model.dispose();
  });

  it("should leave frozen layers alone", async () => {
    const model = taskAModel(2);
    model.getLayer("a_bn").trainable = false;
    const before = model.getLayer("a_bn").getWeights().map((w) => Array.from(w.dataSync()));
    const data = tensorDataset(tf.randomNormal([16, 8]), new Array<number>(16).fill(0));
    expect(await recalibrateBatchNorm(model, data)).toBe(0);
    expect(model.getLayer("a_bn").getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    data.dispose();
    model.dispose();
  });
});

describe("copyWeightsByName", () => {
  it("should copy weights between models that share layer names, and name a missing one", () => {
    const a = taskAModel(3);
    const b = taskAModel(4);
    expect(setBatchNormMomentum(b, 0.9)).toBe(1);
    expect(copyWeightsByName(a, b)).toBe(4);
    expect(b.getLayer("a_out").getWeights()[0]?.dataSync()).toEqual(a.getLayer("a_out").getWeights()[0]?.dataSync());
    const input = tf.input({ shape: [8] });
    const other = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: "other" }).apply(input) as tf.SymbolicTensor });
    expect(() => copyWeightsByName(a, other)).toThrow(/layer "other" \(\[8,2\] \[2\]\) has no match/);
    a.dispose();
    b.dispose();
    other.dispose();
  });
});
