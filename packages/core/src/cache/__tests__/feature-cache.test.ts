import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cutBackbone } from "../../backbone/cut-backbone.js";
import { tensorDataset } from "../../data/tensor-dataset.js";
import { loadEngine } from "../../engine/load-engine.js";
import { taskAModel } from "../../__tests__/fixtures/tiny-models.js";
import { FeatureCache } from "../feature-cache.js";

const dirs: string[] = [];
const freshDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "graft-cache-"));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("FeatureCache", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should compute keyed floats once and read them back under the same key", async () => {
    const cache = new FeatureCache(await freshDir());
    let calls = 0;
    const compute = async (): Promise<Float32Array> => {
      calls++;
      return Float32Array.from([1.5, -2, 3]);
    };
    const first = await cache.floats({ recording: "a", version: 1 }, compute);
    const again = await cache.floats({ recording: "a", version: 1 }, compute);
    const other = await cache.floats({ recording: "a", version: 2 }, compute);
    expect(first.cached).toBe(false);
    expect(again).toEqual({ values: Float32Array.from([1.5, -2, 3]), cached: true });
    expect(other.cached).toBe(false);
    expect(calls).toBe(2);
  });

  it("should give a keyed dataset's backbone features from disk the second time, unchanged", async () => {
    const dir = await freshDir();
    const backbone = cutBackbone(taskAModel(2), { at: "a_dense2" });
    const data = tensorDataset(tf.randomNormal([6, 8], 0, 1, "float32", 3), [0, 1, 0, 1, 0, 1], {
      key: "six",
    });
    const before = tf.memory().numTensors;
    const first = await new FeatureCache(dir).features(backbone, data, { batchSize: 4 });
    expect((await readdir(dir)).filter((f) => f.endsWith(".f32"))).toHaveLength(1);
    const second = await new FeatureCache(dir).features(backbone, data, { batchSize: 4 });
    expect(second.shape).toEqual(first.shape);
    expect(Array.from(await second.data())).toEqual(Array.from(await first.data()));
    first.dispose();
    second.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });
});
