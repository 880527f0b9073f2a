// A user's project that installed @graft/audio (and so @graft/core), and not
// @graft/vision: compute features of generated clips and train a small
// wake-word head with several new layers on a speech backbone.
import { createTransferModel, loadEngine } from "@graft/core";
import { audio, audioDataset, audioPreprocessor, speechBackbone, wakeWordHead } from "@graft/audio";

const engine = await loadEngine();
console.log(engine.description);
const rate = 16000;
const clip = (i, wake) =>
  Float32Array.from({ length: rate / 2 }, (_, t) => {
    const noise = Math.sin(t * 12.9898 + i * 78.233) * 43758.5453;
    // "Wake" clips carry a 1 kHz tone under the noise.
    return 0.05 * (noise - Math.floor(noise) - 0.5) + (wake ? 0.3 * Math.sin((2 * Math.PI * 1000 * t) / rate) : 0);
  });
const inputs = Array.from({ length: 24 }, (_, i) => clip(i, i % 2 === 1));
const labels = inputs.map((_, i) => i % 2);
const preprocessor = audioPreprocessor({ bands: 20, clipSeconds: 0.5 });
const data = await audioDataset({ inputs, labels, preprocessor });
const model = createTransferModel({
  backbone: speechBackbone({ inputSpec: preprocessor.spec, width: 8, blocks: 1, seed: 1 }),
  head: wakeWordHead({ units: [16, 8], dropout: 0 }),
  task: { kind: "binary", labels: ["other", "wake"] },
  preprocessor,
  plugin: audio,
  freeze: "trainable",
  seed: 1,
});
console.log(`head layers ${model.head.layers.length}`);
await model.fit(data, { epochs: 20, batchSize: 8, learningRate: 0.01 });
const report = await model.evaluate(data);
console.log(`audio-only accuracy ${report.accuracy.toFixed(3)}`);
