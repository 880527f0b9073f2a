// A user's project that installed @graft/vision (and so @graft/core), and not
// @graft/audio: transfer a tiny CNN to generated images.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createTransferModel, loadEngine, outputHead } from "@graft/core";
import { imageDataset, imagePreprocessor, smallCnn, vision } from "@graft/vision";
import { Jimp } from "jimp";

const engine = await loadEngine();
console.log(engine.description);
const dir = mkdtempSync(join(tmpdir(), "graft-consumer-"));
const files = [];
const labels = [];
for (let i = 0; i < 24; i++) {
  const label = i % 2;
  const image = new Jimp({ width: 16, height: 16, color: 0x202020ff });
  // Class 1 has a bright left half, class 0 a bright right half.
  image.scan(label ? 0 : 8, 0, 8, 16, (x, y, idx) => {
    image.bitmap.data[idx] = 200 + ((x * 7 + y * 3 + i) % 40);
    image.bitmap.data[idx + 1] = 200;
    image.bitmap.data[idx + 2] = 200;
  });
  const file = join(dir, `${i}.png`);
  await image.write(file);
  files.push(file);
  labels.push(label);
}
const preprocessor = imagePreprocessor({ height: 16, width: 16, channels: 3 });
const backbone = smallCnn({ inputSize: 16, channels: 3, filters: [8, 8], seed: 1 });
const model = createTransferModel({
  backbone,
  task: { kind: "binary", labels: ["right", "left"] },
  head: outputHead(),
  preprocessor,
  plugin: vision,
  freeze: "trainable",
  seed: 1,
});
const data = imageDataset({ inputs: files, labels, preprocessor });
await model.fit(data, { epochs: 15, batchSize: 8, learningRate: 0.01 });
const report = await model.evaluate(data);
await model.save(join(dir, "model"));
console.log(`vision-only accuracy ${report.accuracy.toFixed(3)}`);
