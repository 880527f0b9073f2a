// Real-time factor of streaming wake-word detection on the speech embedding:
// mel front end + embedding network + a dense head over ≥ 1 minute of real speech, one thread.
import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { realSpeech } from "../src/speech-embedding/__tests__/real-speech.js";
import { embeddingWakeWordHead } from "../src/speech-embedding/embedding-head.js";
import { EmbeddingWakeWordStream } from "../src/speech-embedding/score-embeddings.js";
import { speechEmbedding } from "../src/speech-embedding/speech-embedding.js";

const engine = await loadEngine();
console.log(engine.description);
const embedding = await speechEmbedding();
const head = embeddingWakeWordHead()({ featureShape: embedding.featureShape, task: { kind: "binary", labels: ["other", "wake"] }, takenNames: new Set() });
const input = tf.input({ shape: [...embedding.featureShape] });
const model = tf.model({ inputs: input, outputs: head.layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input) });

let audio = await realSpeech(40);
while (audio.length < 16000 * 60) {
  const longer = new Float32Array(audio.length * 2);
  longer.set(audio);
  longer.set(audio, audio.length);
  audio = longer;
}
const seconds = audio.length / 16000;

function run(minWindows: number): { rtf: number; scores: number } {
  const stream = new EmbeddingWakeWordStream(embedding, model, { minWindows });
  const start = performance.now();
  let scores = 0;
  for (let i = 0; i < audio.length; i += 1280) scores += stream.push(audio.subarray(i, i + 1280)).length;
  scores += stream.flush().length;
  return { rtf: (performance.now() - start) / 1000 / seconds, scores };
}

run(64); // warm-up: kernels, buffers
const recording = run(64);
console.log(`${seconds.toFixed(0)} s of audio, ${recording.scores} scores (one per 80 ms)`);
console.log(`bench wakeword stream: rtf ${recording.rtf.toFixed(4)}`);
const live = run(4);
console.log(`bench wakeword stream (live, network every 320 ms): rtf ${live.rtf.toFixed(4)}`);
