// End-to-end smoke run of @graft/audio with @graft/core on synthetic sounds:
// pre-train the speech backbone on 4 sound classes (task A), cut it, put a
// wake-word head on it, train on "up-chirp or not" (task B), calibrate, save,
// reload with the plugin and predict raw samples. Not a test: it exercises
// core's training API, which is still moving.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createTransferModel, cutBackbone, loadEngine, loadPredictor, outputHead } from "@graft/core";

import { audio, audioDataset, audioPreprocessor, createRng, evaluateWakeWord, mixNoise, scoreStream, speechBackbone, wakeWordHead } from "../src/index.js";

const RATE = 16000;
const rng = createRng(3);
const noiseBed = Float32Array.from({ length: RATE * 4 }, () => rng() * 2 - 1);

/** Half a second of one of four synthetic "words", at a random pitch offset, in noise at 10–20 dB SNR. */
function clip(kind: number): Float32Array {
  const n = RATE / 2;
  const out = new Float32Array(n);
  const shift = 1 + (rng() - 0.5) * 0.2;
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / n;
    const f = shift * [300 + 2000 * t, 2300 - 2000 * t, 600, 1800 + 400 * Math.sin(12 * t)][kind]!;
    phase += (2 * Math.PI * f) / RATE;
    out[i] = 0.4 * Math.sin(phase) * Math.sin(Math.PI * t);
  }
  return mixNoise(out, noiseBed, 10 + rng() * 10, rng);
}

const engine = await loadEngine();
console.log(engine.description);
const preprocessor = audioPreprocessor({ clipSeconds: 0.5, bands: 32 });
const started = performance.now();

// Task A: 4 classes × 48 clips.
const aLabels = Array.from({ length: 192 }, (_, i) => i % 4);
const taskA = await audioDataset({ inputs: aLabels.map(clip), labels: aLabels, preprocessor });
const pre = createTransferModel({
  backbone: speechBackbone({ inputSpec: preprocessor.spec, width: 24, blocks: 3 }),
  task: { kind: "multiclass", labels: ["up", "down", "flat", "wobble"] },
  head: outputHead(),
  freeze: "trainable",
  preprocessor,
  plugin: audio,
});
await pre.fit(taskA, { epochs: 20, learningRate: 3e-3 });
console.log(`task A accuracy ${(await pre.evaluate(taskA)).accuracy.toFixed(3)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

// Task B: wake word = "up", 24 positives, 72 negatives.
const bLabels = Array.from({ length: 96 }, (_, i) => (i % 4 === 0 ? 1 : 0));
const bKinds = bLabels.map((y, i) => (y === 1 ? 0 : 1 + (i % 3)));
const taskB = await audioDataset({ inputs: bKinds.map(clip), labels: bLabels, preprocessor });
const backbone = cutBackbone(pre.model, { at: "speech_pool", inputSpec: preprocessor.spec, name: "audio:speech", provenance: { task: "4 synthetic sound classes", examples: 192 } });
const transfer = createTransferModel({ backbone, task: { kind: "binary", labels: ["other", "up"] }, head: wakeWordHead({ units: [16, 8], dropout: 0.1 }), preprocessor, plugin: audio });
await transfer.fit(taskB, { epochs: 20, learningRate: 3e-3 });

// Held-out positives and a 60 s negative stream of other "words".
const positives = Array.from({ length: 16 }, () => clip(0));
const positiveScores = Array.from((await transfer.predictDataset(await audioDataset({ inputs: positives, labels: positives.map(() => 1), preprocessor }))).map((r) => r[0] as number));
const stream = new Float32Array(RATE * 60);
for (let at = 0; at + RATE / 2 <= stream.length; at += RATE * 0.75) stream.set(clip(1 + Math.floor(rng() * 3)), at);
const negativeStream = await scoreStream({ model: transfer.model, preprocessor }, stream, { windowSeconds: 0.5, hopSeconds: 0.1 });
const report = evaluateWakeWord({ positiveScores, negativeStream, targetFaPerHour: 60 });
console.log(`threshold ${report.calibration.threshold.toFixed(3)}: FRR ${report.frr.toFixed(3)}, FA/h ${report.faPerHour.toFixed(1)} on ${(report.negativeHours * 60).toFixed(1)} min`);

const dir = join(mkdtempSync(join(tmpdir(), "graft-audio-smoke-")), "model");
await transfer.save(dir, { threshold: report.calibration.threshold });
const predictor = await loadPredictor(dir, { plugins: [audio] });
const predictions = await predictor.predictRaw([clip(0), clip(2)]);
console.log(`reloaded: ${predictions.map((p) => `${p.label} ${p.score.toFixed(2)}`).join(", ")}; total ${((performance.now() - started) / 1000).toFixed(1)} s`);
predictor.dispose();
transfer.dispose();
