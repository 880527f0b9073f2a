// Real-time factor of streaming wake-word detection on the speech embedding:
// mel front end + embedding network + a dense head over ≥ 1 minute of real speech, one thread.
import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { realSpeech } from "../src/speech-embedding/__tests__/real-speech.js";
import { IncrementalNetwork } from "../src/speech-embedding/embedding-incremental.js";
import { embeddingWakeWordHead } from "../src/speech-embedding/embedding-head.js";
import { EmbeddingWakeWordStream } from "../src/speech-embedding/score-embeddings.js";
import { speechEmbedding, type SpeechEmbedding } from "../src/speech-embedding/speech-embedding.js";
import { previousChainSteps } from "./previous-chain-steps.js";

const engine = await loadEngine();
console.log(engine.description);
const embedding = await speechEmbedding();
const head = embeddingWakeWordHead()({ featureShape: embedding.featureShape, task: { kind: "binary", labels: ["other", "wake"] }, takenNames: new Set() });
const input = tf.input({ shape: [...embedding.featureShape] });
const model = tf.model({ inputs: input, outputs: head.layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input) });
// The same embedding streamed with the steps graft used before (see previous-chain-steps.ts).
const oldSteps = previousChainSteps(embedding.streamModel);
const previous: SpeechEmbedding = Object.assign(Object.create(embedding) as SpeechEmbedding, {
  createIncremental: () => new IncrementalNetwork(oldSteps, embedding.mel.bands),
});

let audio = await realSpeech(40);
while (audio.length < 16000 * 60) {
  const longer = new Float32Array(audio.length * 2);
  longer.set(audio);
  longer.set(audio, audio.length);
  audio = longer;
}
const seconds = audio.length / 16000;

// rtf: wall-clock time over audio time; cpu: this process's CPU time over audio time (less inflated when other work shares the cores).
function run(minWindows: number, incremental = true, extractor = embedding, direct = true): { rtf: number; cpu: number; scores: number } {
  const stream = new EmbeddingWakeWordStream(extractor, model, { minWindows, incremental, direct });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let scores = 0;
  for (let i = 0; i < audio.length; i += 1280) scores += stream.push(audio.subarray(i, i + 1280)).length;
  scores += stream.flush().length;
  const cpu = process.cpuUsage(cpuStart);
  stream.dispose();
  return { rtf: (performance.now() - start) / 1000 / seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds, scores };
}

run(1); // warm-up: kernels, buffers
run(1, true, previous, false);
// Live: 80 ms pushes, each embedding computed layer by layer as soon as its last frame arrives.
// The current path, the previous one (previous steps, head through predict) and the current steps
// with the head through predict alternate three times (the machine is shared); the best run of each counts.
const current: number[] = [];
const before: number[] = [];
const predictHead: number[] = [];
const cpu: Record<"now" | "previous", number[]> = { now: [], previous: [] };
let scores = 0;
for (let round = 0; round < 3; round++) {
  const live = run(1);
  scores = live.scores;
  current.push(live.rtf);
  cpu.now.push(live.cpu);
  const old = run(1, true, previous, false);
  before.push(old.rtf);
  cpu.previous.push(old.cpu);
  predictHead.push(run(1, true, embedding, false).rtf);
}
const best = (xs: number[]): number => Math.min(...xs);
const saved = (xs: number[]): string => `${((1 - best(current) / best(xs)) * 100).toFixed(0)} % less time now`;
console.log(`${seconds.toFixed(0)} s of audio, ${scores} scores (one per 80 ms)`);
console.log(`bench wakeword stream: rtf ${best(current).toFixed(4)}`);
console.log(`bench wakeword stream (previous: op-wrapper steps, head.predict; same process): rtf ${best(before).toFixed(4)} (${saved(before)})`);
console.log(`bench wakeword stream (current steps, head.predict): rtf ${best(predictHead).toFixed(4)}`);
const runs = (xs: number[]): string => xs.map((x) => x.toFixed(4)).join(" ");
console.log(`  CPU time: now ${best(cpu.now).toFixed(4)}, previous ${best(cpu.previous).toFixed(4)} (best runs)`);
console.log(`  runs: now ${runs(current)}; previous ${runs(before)}; head.predict ${runs(predictHead)}`);
const paired = run(2);
console.log(`bench wakeword stream (network every 160 ms): rtf ${paired.rtf.toFixed(4)}`);
const batched = run(64);
console.log(`bench wakeword stream (network every 5.12 s): rtf ${batched.rtf.toFixed(4)}`);
const windows = run(1, false);
console.log(`bench wakeword stream (each 76-frame window re-run every 80 ms): rtf ${windows.rtf.toFixed(4)}`);
