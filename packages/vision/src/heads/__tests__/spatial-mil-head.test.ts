import { auc, ConfigError, createRng, denseHead, loadEngine, rocCurve } from "@graft/core";
import type { HeadFactory } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { MilPooling2D } from "../mil-pooling.js";
import { spatialMilHead } from "../spatial-mil-head.js";

const SIDE = 16;
const CHANNELS = 4;
const BINARY = { kind: "binary", labels: ["none", "spot"] } as const;

/**
 * Noise maps [n, 16, 16, 4]; in half of them (label 1) a faint 2×2 spot
 * raises channel 0 somewhere. The spot is 4 of 256 locations, so averaging
 * over the map almost hides it.
 */
function spotMaps(n: number, seed: number): { x: tf.Tensor4D; labels: number[] } {
  const rng = createRng(seed);
  const values = new Float32Array(n * SIDE * SIDE * CHANNELS);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (let i = 0; i < values.length; i++) values[i] = gauss();
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  labels.forEach((label, i) => {
    if (label === 0) return;
    const top = rng.int(SIDE - 1);
    const left = rng.int(SIDE - 1);
    for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
      const at = ((i * SIDE + top + dy) * SIDE + left + dx) * CHANNELS;
      values[at] = (values[at] ?? 0) + 3;
    }
  });
  return { x: tf.tensor4d(values, [n, SIDE, SIDE, CHANNELS]), labels };
}

/** Trains `head` (after `before` layers) on maps and returns its AUC on fresh maps. */
async function heldOutAuc(head: HeadFactory, before: tf.layers.Layer[] = []): Promise<number> {
  const train = spotMaps(200, 1);
  const test = spotMaps(200, 2);
  const { layers } = head({
    featureShape: before.length ? [CHANNELS] : [SIDE, SIDE, CHANNELS],
    task: BINARY,
    takenNames: new Set(),
    seed: 3,
  });
  const input = tf.input({ shape: [SIDE, SIDE, CHANNELS] });
  const output = [...before, ...layers].reduce<tf.SymbolicTensor>(
    (x, layer) => layer.apply(x) as tf.SymbolicTensor,
    input,
  );
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "binaryCrossentropy" });
  const y = tf.tensor2d(train.labels, [train.labels.length, 1]);
  await model.fit(train.x, y, { epochs: 30, batchSize: 32, shuffle: false, verbose: 0 });
  const scores = tf.tidy(() => (model.predict(test.x) as tf.Tensor).dataSync());
  tf.dispose([train.x, test.x, y]);
  model.optimizer.dispose();
  model.dispose();
  return auc(rocCurve([...scores], test.labels.map((l) => l === 1)));
}

describe("spatialMilHead", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should find a small spot anywhere in the map that global average pooling misses", async () => {
    const before = tf.memory().numTensors;
    const mil = await heldOutAuc(spatialMilHead({ pooling: "lse", dropout: 0, l2: 0 }));
    const gap = await heldOutAuc(denseHead(), [tf.layers.globalAveragePooling2d({})]);
    expect(mil).toBeGreaterThan(0.85);
    expect(mil).toBeGreaterThan(gap + 0.15);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it("should pool by max, log-sum-exp between mean and max, and top-k mean", () => {
    // One image, 2×2 map, one channel: 0, 1, 2, 5.
    const x = tf.tensor4d([0, 1, 2, 5], [1, 2, 2, 1]);
    const pooled = (pooling: "max" | "lse" | "topk", topFraction = 0.5, r = 5) =>
      (new MilPooling2D({ pooling, r, topFraction }).apply(x) as tf.Tensor).dataSync()[0] ?? NaN;
    expect(pooled("max")).toBeCloseTo(5, 5);
    expect(pooled("topk")).toBeCloseTo(3.5, 5);
    const lse = pooled("lse");
    expect(lse).toBeLessThan(5);
    expect(lse).toBeGreaterThan(2);
    expect(pooled("lse", 0.5, 1e-4)).toBeCloseTo(2, 2);
    x.dispose();
  });

  it("should send top-k's gradient to the k highest locations only", () => {
    const x = tf.tensor4d([0, 1, 2, 5], [1, 2, 2, 1]);
    const layer = new MilPooling2D({ pooling: "topk", r: 5, topFraction: 0.5 });
    const grad = tf.grad((t: tf.Tensor) => (layer.apply(t) as tf.Tensor).sum())(x);
    expect([...grad.dataSync()]).toEqual([0, 0, 0.5, 0.5]);
    tf.dispose([x, grad]);
  });

  it("should save and load with the same predictions", async () => {
    const { layers } = spatialMilHead({ units: 4, pooling: "topk" })({
      featureShape: [SIDE, SIDE, CHANNELS],
      task: BINARY,
      takenNames: new Set(),
      seed: 1,
    });
    const input = tf.input({ shape: [SIDE, SIDE, CHANNELS] });
    const output = layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input);
    const model = tf.model({ inputs: input, outputs: output });
    const { x } = spotMaps(4, 5);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler((artifacts) => {
        saved = artifacts;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const [a, b] = [model, loaded].map((m) => tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()));
    expect([...(b ?? [])].map((v) => v.toFixed(5))).toEqual([...(a ?? [])].map((v) => v.toFixed(5)));
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it("should refuse pooled features with a fix", () => {
    const head = spatialMilHead();
    expect(() => head({ featureShape: [192], task: BINARY, takenNames: new Set() })).toThrow(ConfigError);
    expect(() => head({ featureShape: [192], task: BINARY, takenNames: new Set() })).toThrow(/pooling "none"/);
  });
});
