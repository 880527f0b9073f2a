// Which kernels a training step of the default speech model spends its time in.
import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { speechBackbone } from "../src/backbones/speech-backbone.js";
import { wakeWordHead } from "../src/heads/wake-word-head.js";

console.log((await loadEngine()).description);
const backbone = speechBackbone(JSON.parse(process.argv[2] ?? "{}") as Parameters<typeof speechBackbone>[0]);
const head = wakeWordHead()({ featureShape: backbone.featureShape, task: { kind: "binary", labels: ["n", "y"] }, takenNames: new Set() });
const out = head.layers.reduce((x, l) => l.apply(x) as tf.SymbolicTensor, backbone.model.outputs[0] as tf.SymbolicTensor);
const model = tf.model({ inputs: backbone.model.inputs, outputs: out });
model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
const x = tf.randomNormal([32, 97, 40, 1]);
const y = tf.ones([32, 1]);
await model.trainOnBatch(x, y);
const times = new Map<string, number>();
const info = await tf.profile(async () => {
  await model.trainOnBatch(x, y);
});
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
  times.set(k.name, (times.get(k.name) ?? 0) + ms);
}
const total = [...times.values()].reduce((a, b) => a + b, 0);
console.log(`total kernel ms ${total.toFixed(0)}`);
for (const [name, ms] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${name.padEnd(36)} ${ms.toFixed(1)}`);
