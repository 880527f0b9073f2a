import {
  activationBytesPerExample,
  chooseMicroBatch,
  createTransferModel,
  loadEngine,
  tensorDataset,
  trainingMemoryBudget,
} from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { pretrainedMobileNetV2 } from "../pretrained-mobilenet-v2.js";

const binary = { kind: "binary", labels: ["dark", "bright"] } as const;

/** Four 224 px images: two dark and two bright noise textures. */
function fourImages(size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const noise = tf.randomUniform([4, size, size, 3], 0, 0.3, "float32", 11);
    const offset = tf.tensor([0, 0.6, 0, 0.6]).reshape([4, 1, 1, 1]);
    return tf.add(noise, offset) as tf.Tensor4D;
  });
}

async function meanLoss(model: ReturnType<typeof createTransferModel>, x: tf.Tensor, labels: number[]): Promise<number> {
  const loss = tf.tidy(() => {
    const p = tf.clipByValue(model.predict(x), 1e-7, 1 - 1e-7);
    const y = tf.tensor2d(labels, [labels.length, 1]);
    return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))))));
  });
  const value = (await loss.data())[0] ?? NaN;
  loss.dispose();
  return value;
}

describe("fine-tuning the pre-trained MobileNetV2", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should fine-tune the top layers at 224 px on the wasm engine with accumulated micro-batches", async () => {
    const before = tf.memory().numTensors;
    const backbone = await pretrainedMobileNetV2();
    const model = createTransferModel({ backbone, task: binary, seed: 4 });
    const trainable = model.freeze({ top: 40 });
    const firstTrainable = backbone.model.getLayer(trainable[0] ?? "");
    const frozenLayer = backbone.model.getLayer("block_1_expand");
    const frozenBefore = frozenLayer.getWeights().map((w) => Float32Array.from(w.dataSync()));
    const topBefore = firstTrainable.getWeights().map((w) => Float32Array.from(w.dataSync()));
    const x = fourImages(224);
    const labels = [0, 1, 0, 1];
    const data = tensorDataset(x, labels);
    const lossBefore = await meanLoss(model, x, labels);
    const t0 = performance.now();
    const history = await model.fit(data, {
      epochs: 1,
      batchSize: 4,
      microBatchSize: 2,
      freezeBatchNorm: true,
      optimizer: "sgd",
      learningRate: 0.05,
      featureCache: false,
      shuffle: false,
    });
    const seconds = (performance.now() - t0) / 1000;
    const lossAfter = await meanLoss(model, x, labels);
    console.log(
      `MobileNetV2 224 px, top 40 layers, 4 images in micro-batches of 2 on ${tf.getBackend()}: ${seconds.toFixed(1)} s, loss ${lossBefore.toFixed(4)} → ${lossAfter.toFixed(4)}`,
    );
    expect(history.epochs).toHaveLength(1);
    expect(history.epochs[0]?.microBatchSize).toBe(2);
    expect(Number.isFinite(history.epochs[0]?.metrics["loss"])).toBe(true);
    expect(lossAfter).toBeLessThan(lossBefore);
    const changed = (a: Float32Array[], layer: tf.layers.Layer) =>
      layer.getWeights().some((w, i) => w.dataSync().some((v, j) => v !== a[i]?.[j]));
    expect(changed(topBefore, firstTrainable)).toBe(true);
    expect(changed(frozenBefore, frozenLayer)).toBe(false);
    data.dispose?.();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it("should pick micro-batches that fit the engine at 224 px and larger ones at 96 px", async () => {
    const perExample: number[] = [];
    for (const inputSize of [224, 96]) {
      const model = createTransferModel({ backbone: await pretrainedMobileNetV2({ inputSize }), task: binary });
      perExample.push(activationBytesPerExample(model.model));
      model.dispose();
    }
    const [at224 = 0, at96 = 0] = perExample;
    expect(at224 / at96).toBeGreaterThan(4);
    // 32 examples at 224 px do not fit a 4 GiB wasm heap (the crash of issue #13); a micro-batch does.
    expect(32 * at224).toBeGreaterThan(4 * 2 ** 30);
    const budget = trainingMemoryBudget();
    const micro224 = chooseMicroBatch({ batchSize: 32, bytesPerExample: at224, budget });
    const micro96 = chooseMicroBatch({ batchSize: 32, bytesPerExample: at96, budget });
    expect(micro224).toBeGreaterThanOrEqual(1);
    expect(micro224).toBeLessThan(32);
    expect(micro96).toBeGreaterThan(micro224);
  }, 60_000);
});
