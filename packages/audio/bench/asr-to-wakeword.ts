// Prototype of examples/asr-to-wakeword: pre-train the speech backbone on
// word recognition (task A, espeak-ng speech), cut it, add a wake-word head
// of several layers, train on little wake-word data (task B, unseen voices),
// calibrate, and compare with the same head on a randomly initialised
// backbone trained on B only. Flags: --scale <x> multiplies data sizes.
import { existsSync } from "node:fs";

import { createTransferModel, cutBackbone, loadEngine, loadModelDir, outputHead } from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import type { Voice } from "./speech-corpus.js";
import { colouredNoise, pool, speak, voiceVariants } from "./speech-corpus.js";
import {
  audio,
  audioDataset,
  audioPreprocessor,
  augmentWaveform,
  createRng,
  evaluateWakeWord,
  fitFeatureStats,
  fitLength,
  scoreStream,
  speechBackbone,
  wakeWordHead,
  withFeatureStats,
} from "../src/index.js";

const scale = Number(process.argv[process.argv.indexOf("--scale") + 1] ?? 1) || 1;
const RATE = 16000;
const rng = createRng(7);
const t0 = performance.now();
const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

const VOCABULARY = [
  "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "zero", "one", "two", "three", "four", "five",
  "six", "seven", "eight", "nine", "bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow",
  "learn", "follow", "forward", "backward", "visual", "open", "close", "music", "light", "water",
];
const WAKE = "hey graft";
const CONFUSERS = ["hey craft", "graph", "hey giraffe", "grass", "draft", "hey grant", "great", "raft", "hey", "gift"];

const variants = voiceVariants();
// Voices of task B's positives are never heard in pre-training.
const aVariants = variants.filter((_, i) => i % 4 !== 0);
const bVariants = variants.filter((_, i) => i % 4 === 0);
const aAccents = ["en-us", "en-gb", "en-gb-scotland", "en-029"];
const bAccents = ["en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us"];
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const voice = (accents: readonly string[], pool_: readonly string[]): Voice => ({ accent: pick(accents), variant: pick(pool_), speed: 130 + Math.floor(rng() * 60), pitch: 25 + Math.floor(rng() * 50) });

const noiseBed = colouredNoise(RATE * 20, rng);
/** One second clip: speech centred, randomly shifted, gain, noise at 5–25 dB SNR. */
const place = (speech: Float32Array): Float32Array =>
  augmentWaveform(fitLength(speech, RATE, { mode: "center" }), rng, { noise: noiseBed, snrDb: [5, 25], gainDb: [-6, 3], maxShift: 1600 });

async function synth(texts: readonly string[], accents: readonly string[], voices: readonly string[]): Promise<Float32Array[]> {
  return pool(texts.map((text) => async () => place(await speak(text, voice(accents, voices)))), 2);
}

const engine = await loadEngine();
console.log(engine.description);
const rawPreprocessor = audioPreprocessor({ clipSeconds: 1, bands: 40 });
const width = 32;

// ---- Task A: word recognition over the vocabulary ----
const perWord = Math.round(40 * scale);
const aTexts = VOCABULARY.flatMap((w) => new Array<string>(perWord).fill(w));
const aLabels = VOCABULARY.flatMap((_, i) => new Array<number>(perWord).fill(i));
const aClips = await synth(aTexts, aAccents, aVariants);
const aHours = aClips.length / 3600;
console.log(`task A: ${aClips.length} clips, ${aHours.toFixed(2)} h, ${VOCABULARY.length} words (${elapsed()})`);
// Per-band mean/std from task A's clips, saved with every model built on these features.
const statsSample = aClips.filter((_, i) => i % 8 === 0);
const stats = fitFeatureStats(await Promise.all(statsSample.map((c) => rawPreprocessor.features(c))), rawPreprocessor.featureConfig);
const preprocessor = audioPreprocessor(withFeatureStats(rawPreprocessor.featureConfig, stats));
const taskA = await audioDataset({ inputs: aClips, labels: aLabels, preprocessor });
// Pre-training is the slow part: reuse a saved task-A model with --reuse-a.
const aDir = `/tmp/graft-asr-a-${scale}`;
let aModel: tf.LayersModel;
if (process.argv.includes("--reuse-a") && existsSync(aDir)) {
  aModel = (await loadModelDir(aDir)).model;
  console.log(`task A model loaded from ${aDir}`);
} else {
  const asr = createTransferModel({
    backbone: speechBackbone({ inputSpec: preprocessor.spec, width, blocks: 4, seed: 1 }),
    task: { kind: "multiclass", labels: VOCABULARY },
    head: outputHead(),
    freeze: "trainable",
    preprocessor,
    plugin: audio,
  });
  await asr.fit(taskA, {
    onProgress: (e) => {
      if (e.type === "epoch-end") console.log(`  A epoch ${e.epoch}/${e.epochs} ${JSON.stringify(e.metrics)} (${elapsed()})`);
    },
    epochs: Math.round(20 * Math.min(2, scale)),
    learningRate: 5e-3,
    validation: 0.1,
    batchSize: 32,
  });
  const last = asr.history.at(-1)?.epochs.at(-1);
  console.log(`task A trained (${elapsed()}): ${JSON.stringify(last?.metrics)}`);
  await asr.save(aDir);
  aModel = asr.model;
}

// ---- Task B: wake word, new voices ----
const nPos = Math.round(60 * scale);
const nNeg = Math.round(180 * scale);
const bPos = await synth(new Array<string>(nPos).fill(WAKE), bAccents, bVariants);
const negTexts = Array.from({ length: nNeg }, (_, i) => (i % 3 === 0 ? pick(CONFUSERS) : pick(VOCABULARY)));
const bNeg = [...(await synth(negTexts, bAccents, bVariants)), ...Array.from({ length: Math.round(nNeg / 6) }, () => place(new Float32Array(RATE)))];
const bClips = [...bPos, ...bNeg];
const bLabels = [...bPos.map(() => 1), ...bNeg.map(() => 0)];
console.log(`task B: ${bPos.length} positives + ${bNeg.length} negatives = ${(bClips.length / 3600).toFixed(3)} h (${elapsed()})`);
const taskB = await audioDataset({ inputs: bClips, labels: bLabels, preprocessor });

// Held out: positives by unseen voices, and a long negative stream.
const testPos = await synth(new Array<string>(Math.round(40 * scale)).fill(WAKE), bAccents, bVariants);
const streamMinutes = Math.max(2, Math.round(30 * Math.min(1, scale)));
const stream = new Float32Array(streamMinutes * 60 * RATE);
const gapClips = await synth(Array.from({ length: Math.round(streamMinutes * 20) }, (_, i) => (i % 20 === 0 ? pick(CONFUSERS) : pick(VOCABULARY))), bAccents, bVariants);
for (let at = 0, i = 0; at + RATE <= stream.length; at += Math.round(RATE * (0.6 + rng() * 1.4)), i++) {
  const c = gapClips[i % gapClips.length] as Float32Array;
  for (let k = 0; k < RATE; k++) stream[at + k] = (stream[at + k] as number) + (c[k] as number) * 0.7;
}
console.log(`held out: ${testPos.length} positives, ${streamMinutes} min negative stream (${elapsed()})`);
const testSet = await audioDataset({ inputs: testPos, labels: testPos.map(() => 1), preprocessor });

async function report(name: string, model: ReturnType<typeof createTransferModel>): Promise<void> {
  const positiveScores = (await model.predictDataset(testSet)).map((r) => r[0] as number);
  const negativeStream = await scoreStream({ model: model.model, preprocessor }, stream, { windowSeconds: 1, hopSeconds: 0.1 });
  const q = [...positiveScores].sort((a, b) => a - b);
  const negMax = [...negativeStream.scores].sort((a, b) => b - a).slice(0, 5);
  const train = await model.evaluate(taskB);
  console.log(`${name}: train B accuracy ${train.accuracy.toFixed(3)}; held-out positive scores min ${q[0]?.toFixed(3)} median ${q[q.length >> 1]?.toFixed(3)}; top negative windows ${negMax.map((v) => v.toFixed(3)).join(" ")}`);
  const r = evaluateWakeWord({ positiveScores, negativeStream, detection: { smoothing: 3, refractorySeconds: 1 }, targetFaPerHour: 2 });
  for (const target of [10, 50]) {
    const other = evaluateWakeWord({ positiveScores, negativeStream, detection: { smoothing: 3, refractorySeconds: 1 }, targetFaPerHour: target });
    console.log(`${name} at ≤ ${target} FA/h: FRR ${other.frr.toFixed(3)}, FA/h ${other.faPerHour.toFixed(1)}`);
  }
  console.log(`${name} FRR ${r.frr.toFixed(3)}`);
  console.log(`${name} FA/h ${r.faPerHour.toFixed(2)} (threshold ${r.calibration.threshold.toFixed(3)}, target 2/h ${r.calibration.met ? "met" : "not met"}) (${elapsed()})`);
}

// --gru: cut before pooling and run a GRU over time in the head (keeps word order).
const gru = process.argv.includes("--gru");
const headOptions = gru ? { gru: 32, units: [32], dropout: 0.2 } : { units: [64, 32], dropout: 0.2 };
const transferBackbone = cutBackbone(aModel, { at: gru ? "speech_block4_relu" : "speech_pool", inputSpec: preprocessor.spec, name: "audio:speech", provenance: { task: `word recognition, ${VOCABULARY.length} words`, examples: aClips.length } });
const transfer = createTransferModel({ backbone: transferBackbone, task: { kind: "binary", labels: ["other", "wake"] }, head: wakeWordHead(headOptions), preprocessor, plugin: audio, seed: 3 });
await transfer.fit(taskB, { phases: [{ name: "head", epochs: 30, freeze: "frozen", learningRate: 3e-3 }, { name: "fine-tune", epochs: 4, freeze: { top: 6 }, learningRate: 1e-3, backboneLrMult: 0.1 }], classWeights: "balanced" });
await report("transfer", transfer);

const fresh = speechBackbone({ inputSpec: preprocessor.spec, width, blocks: 4, seed: 2 });
const scratchBackbone = gru ? cutBackbone(fresh.model, { at: "speech_block4_relu", inputSpec: preprocessor.spec, name: "audio:speech" }) : fresh;
const scratch = createTransferModel({ backbone: scratchBackbone, task: { kind: "binary", labels: ["other", "wake"] }, head: wakeWordHead(headOptions), preprocessor, plugin: audio, freeze: "trainable", seed: 3 });
await scratch.fit(taskB, { epochs: 12, learningRate: 3e-3, classWeights: "balanced" });
await report("scratch", scratch);
console.log(`hours A ${aHours.toFixed(2)}, hours B ${(bClips.length / 3600).toFixed(3)}; total ${elapsed()}`);
