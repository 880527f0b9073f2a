import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createTransferModel, loadEngine, tensorDataset, type BinaryTask } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { noise } from "../../__tests__/fixtures.js";
import { decodeWav } from "../../decode/decode-wav.js";
import { resample } from "../../decode/resample.js";
import { embeddingWakeWordHead, type EmbeddingHeadKind } from "../embedding-head.js";
import { speechEmbedding, type SpeechEmbedding } from "../speech-embedding.js";

const binary: BinaryTask = { kind: "binary", labels: ["noise", "speech"] };
let embedding: SpeechEmbedding;

/** espeak-ng saying `text`, 16 kHz. */
async function speak(text: string, voice: string, dir: string, index: number): Promise<Float32Array> {
  const path = join(dir, `${index}.wav`);
  execFileSync("espeak-ng", ["-v", voice, "-s", "150", "-w", path, text]);
  const audio = await decodeWav(path);
  return resample(audio.samples, audio.sampleRate, 16000);
}

async function clips(): Promise<{ speech: Float32Array[]; other: Float32Array[] }> {
  const dir = mkdtempSync(join(tmpdir(), "graft-espeak-"));
  const words = ["hello there", "open the door", "good morning", "turn it off", "what time is it", "play music", "call home", "stop now"];
  const voices = ["en-us", "en-gb", "en-us+f3", "en-gb-scotland"];
  const speech: Float32Array[] = [];
  for (let i = 0; i < 16; i++) speech.push(await speak(words[i % words.length]!, voices[i % voices.length]!, dir, i));
  const other = Array.from({ length: 16 }, (_, i) => noise(32000, 100 + i, 0.02 + 0.03 * (i % 5)));
  return { speech, other };
}

describe("speech embedding training", () => {
  beforeAll(async () => {
    await loadEngine();
    embedding = await speechEmbedding();
  });

  it.each<EmbeddingHeadKind>(["dense", "conv1d", "gru"])("should learn speech vs noise with a %s head on frozen embeddings", async (kind) => {
    const { speech, other } = await clips();
    const before = tf.memory().numTensors;
    const x = embedding.embedClips([...speech, ...other]);
    const labels = [...speech.map(() => 1), ...other.map(() => 0)];
    const head = embeddingWakeWordHead({ kind, units: 16 })({ featureShape: embedding.featureShape, task: binary, takenNames: new Set() });
    const input = tf.input({ shape: [...embedding.featureShape] });
    const model = tf.model({ inputs: input, outputs: head.layers.reduce<tf.SymbolicTensor>((t, l) => l.apply(t) as tf.SymbolicTensor, input) });
    const optimizer = tf.train.adam(0.003);
    model.compile({ optimizer, loss: "binaryCrossentropy" });
    // Train on even examples, test on odd ones (other phrases, voices and noise seeds).
    const pick = (parity: number): number[] => labels.map((_, i) => i).filter((i) => i % 2 === parity);
    const [train, test] = [pick(0), pick(1)];
    const trainX = tf.gather(x, train);
    const trainY = tf.tensor1d(train.map((i) => labels[i]!));
    await model.fit(trainX, trainY, { epochs: 40, batchSize: 16, verbose: 0, shuffle: false });
    const scores = tf.tidy(() => (model.predict(tf.gather(x, test)) as tf.Tensor).dataSync());
    const correct = test.filter((i, k) => (scores[k]! > 0.5 ? 1 : 0) === labels[i]).length;
    expect(correct / test.length).toBeGreaterThanOrEqual(0.9);
    tf.dispose([x, trainX, trainY]);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should train only the unfrozen top of the backbone", async () => {
    const { speech, other } = await clips();
    const x = embedding.clipBatch([...speech.slice(0, 4), ...other.slice(0, 4)]);
    const data = tensorDataset(x, [1, 1, 1, 1, 0, 0, 0, 0]);
    const convs = embedding.model.layers.filter((l) => l.getClassName() === "Conv2D");
    // Unfreeze the last two convolutions (the constant layers between them hold no trainable weights).
    const transfer = createTransferModel({ backbone: embedding, task: binary, head: embeddingWakeWordHead(), freeze: { from: convs.at(-2)!.name } });
    const snapshot = (): Float32Array[] => convs.map((l) => l.getWeights()[0]!.dataSync() as Float32Array).map((v) => v.slice());
    const start = snapshot();
    await transfer.fit(data, { epochs: 1, batchSize: 8, learningRate: 0.01 });
    const end = snapshot();
    const changed = convs.map((_, i) => start[i]!.some((v, j) => v !== end[i]![j]));
    expect(changed.slice(0, -2).every((c) => !c)).toBe(true);
    expect(changed.slice(-2).every(Boolean)).toBe(true);
    transfer.freeze("frozen");
    data.dispose();
  });
});
