import { WAKE_TASK } from "../src/wakeword.js";
import { createTransferModel, loadEngine, tensorDataset } from "@graft/core";
import { audio, embeddingWakeWordHead, speechEmbedding } from "@graft/audio";
import * as tf from "@tensorflow/tfjs";
const engine = await loadEngine();
console.log(engine.description);
const embedding = await speechEmbedding();
const n = Number(process.argv[2] ?? 15000);
const x = new Float32Array(n * 16 * 96).map(() => Math.random());
const labels = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
const transfer = createTransferModel({
  backbone: embedding,
  task: WAKE_TASK,
  head: embeddingWakeWordHead({ kind: "dense", units: 64, dropout: 0.5 }),
  preprocessor: embedding.preprocessor,
  plugin: audio,
  seed: 1,
});
const dataset = tensorDataset(tf.tensor3d(x, [n, 16, 96]), labels);
const t0 = performance.now();
let last = t0;
await transfer.fit(dataset, {
  inputs: "features",
  phases: [{ name: "new layers", epochs: 3, freeze: "frozen", learningRate: 1e-3 }],
  batchSize: Number(process.argv[3] ?? 256),
  validation: 0.1,
  classWeights: "balanced",
  seed: 1,
  onProgress: (e) => {
    if (e.type !== "epoch-end") return;
    const now = performance.now();
    console.log(`epoch ${e.epoch}: ${((now - last) / 1000).toFixed(2)} s`, JSON.stringify(e.metrics));
    last = now;
  },
});
dataset.dispose();
transfer.dispose();
embedding.dispose();
console.log("tensors", tf.memory().numTensors);
