import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { DataError, loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { encodeWav16, tempDir, tone, writeFile } from "../../__tests__/fixtures.js";
import { createRng } from "../../augment/rng.js";
import { specAugment } from "../../augment/spec-augment.js";
import { audioPreprocessor } from "../../features/audio-preprocessor.js";
import { audioDataset } from "../audio-dataset.js";
import { readAudioFolder } from "../read-audio-folder.js";
import { readAudioManifest } from "../read-audio-manifest.js";
import { windowsFromRecording } from "../windows-from-recording.js";

describe("readAudioFolder", () => {
  it("should list one class per sub-folder, sorted", async () => {
    const dir = tempDir();
    for (const label of ["wake", "other"]) mkdirSync(join(dir, label));
    mkdirSync(join(dir, "empty"));
    writeFile(join(dir, "wake"), "b.wav", encodeWav16(tone(500, 0.1), 16000));
    writeFile(join(dir, "wake"), "a.WAV", encodeWav16(tone(500, 0.1), 16000));
    writeFile(join(dir, "other"), "x.wav", encodeWav16(tone(900, 0.1), 16000));
    writeFile(join(dir, "other"), "notes.txt", "ignored");
    const { inputs, labels, classNames, transcripts } = await readAudioFolder(dir);
    expect(classNames).toEqual(["other", "wake"]);
    expect(inputs.map((path) => path.slice(dir.length + 1))).toEqual(["other/x.wav", "wake/a.WAV", "wake/b.wav"]);
    expect(labels).toEqual([0, 1, 1]);
    expect(transcripts).toBeUndefined();
  });

  it("should name the folder when it holds no audio", async () => {
    const dir = tempDir();
    await expect(readAudioFolder(dir)).rejects.toThrow(new RegExp(`${dir}: no \\.wav files`));
    await expect(readAudioFolder(join(dir, "missing"))).rejects.toThrow(/missing: cannot read the dataset folder/);
  });
});

describe("readAudioManifest", () => {
  it("should read a CSV with quoted fields and resolve relative paths", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "m.csv", 'path,transcript,label\nclips/1.wav,"hey, graft",wake\r\n/abs/2.wav,"say ""hi""",other\n\n');
    expect(await readAudioManifest(file)).toEqual({
      inputs: [join(dir, "clips/1.wav"), "/abs/2.wav"],
      labels: [1, 0],
      classNames: ["other", "wake"],
      transcripts: ["hey, graft", 'say "hi"'],
    });
  });

  it("should read JSONL and use the transcript as label when there is none", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "m.jsonl", '{"path":"a.wav","transcript":"yes"}\n\n{"path":"b.wav","transcript":"no"}\n');
    const { inputs, labels, classNames, transcripts } = await readAudioManifest(file);
    expect(classNames).toEqual(["no", "yes"]);
    expect([inputs[0], labels[0], transcripts?.[0]]).toEqual([join(dir, "a.wav"), 1, "yes"]);
  });

  it("should name the manifest and the row in errors", async () => {
    const dir = tempDir();
    await expect(readAudioManifest(writeFile(dir, "bad.csv", "file,label\na.wav,x\n"))).rejects.toThrow(/bad\.csv: the CSV header has no "path" column/);
    await expect(readAudioManifest(writeFile(dir, "bad.jsonl", '{"path":"a.wav"}\n'))).rejects.toThrow(/bad\.jsonl: row 1 has neither "label" nor "transcript"/);
    await expect(readAudioManifest(writeFile(dir, "broken.jsonl", "{nope\n"))).rejects.toThrow(/broken\.jsonl: line 1 is not valid JSON/);
  });

  it("should reject relative paths that climb out of the manifest's folder", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "m.csv", "path,label\nclips/1.wav,a\n../2.wav,b\nclips/../../3.wav,b\n");
    const error = await readAudioManifest(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/m\.csv: 2 path\(s\) point outside the manifest's folder .*row 2 "\.\.\/2\.wav", row 3 "clips\/\.\.\/\.\.\/3\.wav"/);
    expect((error as DataError).fix).toMatch(/allowOutside/);
    const { inputs, transcripts } = await readAudioManifest(file, { allowOutside: true });
    expect(inputs[1]).toBe(join(dir, "..", "2.wav"));
    expect(transcripts).toBeUndefined();
  });
});

describe("windowsFromRecording", () => {
  it("should cut whole windows at the hop", () => {
    const samples = Float32Array.from({ length: 35 }, (_, i) => i);
    const windows = windowsFromRecording(samples, 10, 1, 0.5);
    expect(windows.map((w) => w[0])).toEqual([0, 5, 10, 15, 20, 25]);
    expect(windows.every((w) => w.length === 10)).toBe(true);
  });

  it("should pad a recording shorter than a window", () => {
    const windows = windowsFromRecording(Float32Array.of(1, 2), 10, 0.5);
    expect(windows.map((w) => Array.from(w))).toEqual([[1, 2, 0, 0, 0]]);
  });
});

describe("audioDataset", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should cache features once and serve batches of the right shape", async () => {
    const pre = audioPreprocessor({ clipSeconds: 0.5 });
    const dir = tempDir();
    const path = writeFile(dir, "c.wav", encodeWav16(tone(2000, 0.5), 16000));
    let calls = 0;
    const counting = { ...pre, features: async (raw: string | Float32Array) => (calls++, pre.features(raw)) };
    const data = await audioDataset({ inputs: [tone(300, 0.5), path, tone(800, 0.4)], labels: [0, 1, 0], preprocessor: counting });
    expect(calls).toBe(3);
    const before = tf.memory().numTensors;
    const batch = await data.batch([2, 0, 2]);
    expect(batch.shape).toEqual([3, 47, 40, 1]);
    const values = batch.dataSync();
    expect(values.subarray(0, 47 * 40)).toEqual(data.features(2));
    expect(values.subarray(47 * 40, 2 * 47 * 40)).toEqual(await pre.features(tone(300, 0.5)));
    batch.dispose();
    expect(calls).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => data.features(3)).toThrow(/index 3 is outside \[0, 2\]/);
  });

  it("should apply a transform at batch time without touching the cache", async () => {
    const pre = audioPreprocessor({ clipSeconds: 0.25 });
    const rng = createRng(1);
    const data = await audioDataset({
      inputs: [tone(300, 0.25)],
      labels: [1],
      preprocessor: pre,
      transform: (f) => specAugment(f, pre.spec, rng, { fill: 0, timeMasks: 3, maxTimeWidth: 5 }),
    });
    const cached = data.features(0).slice();
    const batch = await data.batch([0]);
    expect(batch.dataSync()).not.toEqual(cached);
    batch.dispose();
    expect(data.features(0)).toEqual(cached);
  });

  it("should reject mismatched inputs and labels", async () => {
    await expect(audioDataset({ inputs: [tone(1, 0.1)], labels: [0, 1], preprocessor: audioPreprocessor() })).rejects.toThrow(/1 inputs but 2 labels/);
  });
});
