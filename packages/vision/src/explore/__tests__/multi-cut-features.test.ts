import {
  cutBackbone,
  loadEngine,
  multiCutMaps,
  poolMap,
  tensorDataset,
  type Dataset,
} from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { mobileNetV2 } from "../../backbones/mobilenet-v2.js";
import { exploreCuts } from "../explore-cuts.js";
import { multiCutFeatures } from "../multi-cut-features.js";

/** Counts the batches read, to check one pass over the images serves every candidate. */
function counted(data: Dataset): Dataset & { reads: number } {
  const wrapped = {
    size: data.size,
    labels: data.labels,
    reads: 0,
    batch(indices: readonly number[]) {
      wrapped.reads++;
      return data.batch(indices);
    },
  };
  return wrapped;
}

describe("multiCutFeatures", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should give, from one pass, the features each single cut + pooling gives", async () => {
    const net = mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 2, pooling: "none" }).model;
    const x = tf.randomUniform([10, 32, 32, 3], 0, 1, "float32", 4);
    const data = counted(
      tensorDataset(
        x,
        Array.from({ length: 10 }, (_, i) => i % 2),
      ),
    );
    const before = tf.memory().numTensors;
    const candidates = await multiCutFeatures(net, data, {
      cuts: ["block_6_expand_relu", "out_relu"],
      batchSize: 4,
    });
    expect(data.reads).toBe(3);
    expect(candidates.map((c) => `${c.cut}/${c.pooling}/${c.features.shape.join("x")}`)).toEqual([
      "block_6_expand_relu/avg/10x96",
      "block_6_expand_relu/max/10x96",
      "block_6_expand_relu/avg+max/10x192",
      "out_relu/avg/10x1280",
      "out_relu/max/10x1280",
      "out_relu/avg+max/10x2560",
    ]);
    for (const c of candidates) {
      const single = cutBackbone(net, {
        at: c.cut,
        pooling: c.pooling as "avg" | "max" | "avg+max",
      });
      const gap = tf.tidy(
        () => (single.model.predict(x) as tf.Tensor).sub(c.features).abs().max().dataSync()[0],
      );
      expect(gap).toBeLessThan(1e-4);
      c.features.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it("should keep whole maps with multiCutMaps, equal to the cut's own output", async () => {
    const net = mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 2, pooling: "none" }).model;
    const x = tf.randomUniform([6, 32, 32, 3], 0, 1, "float32", 5);
    const data = counted(tensorDataset(x, [0, 1, 0, 1, 0, 1]));
    const before = tf.memory().numTensors;
    const [maps] = await multiCutMaps(net, data, { cuts: ["block_6_expand_relu"], batchSize: 4 });
    expect(data.reads).toBe(2);
    expect(maps?.maps.shape).toEqual([6, 4, 4, 96]);
    const single = cutBackbone(net, { at: "block_6_expand_relu", pooling: "none" });
    const gap = tf.tidy(
      () =>
        (single.model.predict(x) as tf.Tensor)
          .sub(maps?.maps as tf.Tensor)
          .abs()
          .max()
          .dataSync()[0],
    );
    expect(gap).toBeLessThan(1e-4);
    const [avg] = await multiCutFeatures(net, data, {
      cuts: ["block_6_expand_relu"],
      poolings: ["avg"],
    });
    const pooled = poolMap(maps?.maps as tf.Tensor, "avg");
    expect(
      tf.tidy(
        () =>
          pooled
            .sub(avg?.features as tf.Tensor)
            .abs()
            .max()
            .dataSync()[0],
      ),
    ).toBeLessThan(1e-5);
    tf.dispose([pooled, avg?.features as tf.Tensor, maps?.maps as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it("should name the layers it can read when a cut does not exist", async () => {
    const net = mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 2, pooling: "none" }).model;
    const data = tensorDataset(tf.zeros([2, 32, 32, 3]), [0, 1]);
    await expect(multiCutFeatures(net, data, { cuts: ["block_99"] })).rejects.toThrow(
      /no layer named "block_99"[\s\S]*block_6_expand_relu/,
    );
    data.dispose?.();
    net.dispose();
  });
});

describe("exploreCuts", () => {
  it("should rank every (cut, pooling) candidate and leave no tensor behind", async () => {
    const net = mobileNetV2({ alpha: 0.35, inputSize: 32, seed: 2, pooling: "none" }).model;
    // label 1: a bright 3×3 square somewhere; label 0: none
    const n = 20;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const x = tf.tidy(() => {
      const base = tf
        .randomUniform([n, 32, 32, 3], 0, 0.2, "float32", 7)
        .arraySync() as number[][][][];
      labels.forEach((l, i) => {
        if (l === 0) return;
        const r = (i * 7) % 28;
        const c = (i * 11) % 28;
        for (let dy = 0; dy < 3; dy++)
          for (let dx = 0; dx < 3; dx++) (base[i] as number[][][])[r + dy]![c + dx] = [1, 1, 1];
      });
      return tf.tensor4d(base);
    });
    const data = tensorDataset(x, labels);
    const before = tf.memory().numTensors;
    const result = await exploreCuts(net, data, {
      cuts: ["block_3_expand_relu", "out_relu"],
      folds: 4,
    });
    expect(result.images).toBe(n);
    expect(result.ranked).toHaveLength(6);
    const aucs = result.ranked.map((r) => r.auc.mean);
    expect([...aucs].sort((a, b) => b - a)).toEqual(aucs);
    expect(result.ranked[0]?.auc.mean).toBeGreaterThan(0.8);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose?.();
    net.dispose();
  });
});
