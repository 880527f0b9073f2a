// Forward and training-step time of speechBackbone + wakeWordHead on the engine graft picks.
import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { speechBackbone } from "../src/backbones/speech-backbone.js";
import { wakeWordHead } from "../src/heads/wake-word-head.js";

const engine = await loadEngine();
console.log(engine.description);
const configs = process.argv.slice(2).map((a) => JSON.parse(a) as Parameters<typeof speechBackbone>[0]);
for (const config of configs.length > 0 ? configs : [{ separable: true }, { separable: false }]) {
  const backbone = speechBackbone(config);
  const head = wakeWordHead()({ featureShape: backbone.featureShape, task: { kind: "binary", labels: ["n", "y"] }, takenNames: new Set() });
  const out = head.layers.reduce((x, l) => l.apply(x) as tf.SymbolicTensor, backbone.model.outputs[0] as tf.SymbolicTensor);
  const model = tf.model({ inputs: backbone.model.inputs, outputs: out });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
  const x = tf.randomNormal([32, 97, 40, 1]);
  const y = tf.ones([32, 1]);
  tf.tidy(() => model.predict(x));
  let t = performance.now();
  for (let i = 0; i < 3; i++) tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
  const forward = (performance.now() - t) / 3;
  await model.trainOnBatch(x, y);
  t = performance.now();
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
  const step = (performance.now() - t) / 3;
  console.log(`${JSON.stringify(config)} params=${model.countParams()} batch 32 of 97×40: forward ${forward.toFixed(0)} ms, train step ${step.toFixed(0)} ms`);
  x.dispose();
  y.dispose();
  model.dispose();
}
