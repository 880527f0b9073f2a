// Development measurement: how separable are normal and lesion radiographs
// at all? Frozen-feature probes (every explorer cut × pooling) trained on the
// first 100 and on all images of a large pool (generator seed 3001), scored
// on a development set (seed 5001). The 500 test images (seed 1001) are never
// read. Usage: separability.ts [--size 224] [--pool 1000] [--dev 300]
import { parseArgs } from "node:util";

import { auc, loadEngine, multiCutFeatures, rocCurve, trainSoftmaxProbe } from "@graft/core";
import type { CandidatePooling } from "@graft/core";
import { MOBILENET_V2_CUTS, pretrainedMobileNetV2Model } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";

import { radiographData } from "../radiograph-data.js";
import { generateRadiographs } from "../radiographs/generate.js";
import type { RadiographRecord } from "../radiographs/generate.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "224" },
    pool: { type: "string", default: "1000" },
    dev: { type: "string", default: "300" },
    sizes: { type: "string", default: "100,1000" },
    out: { type: "string", default: "out/dev-radiographs" },
  },
});
const size = Number(values.size);
const trainCounts = values.sizes.split(",").map(Number);
const poolings: CandidatePooling[] = ["avg", "max", "avg+max"];

const engine = await loadEngine();
console.log(engine.description);
const pool = await generateRadiographs({
  outDir: values.out,
  count: Number(values.pool),
  seed: 3001,
});
const dev = await generateRadiographs({
  outDir: values.out,
  count: Number(values.dev),
  seed: 5001,
});
console.log(`lesion radius in pixels at ${size} px: ${radiusSummary(pool, size)}`);

const started = performance.now();
const model = await pretrainedMobileNetV2Model({ inputSize: size });
const poolFeatures = await features(pool);
const devFeatures = await features(dev);
model.dispose();
console.log(`features of ${pool.length + dev.length} images in ${seconds(started)} s`);

const devPositives = dev.map((r) => r.label === 1);
console.log(
  `cut                    pooling  ${trainCounts.map((n) => `n=${n}`.padStart(8)).join(" ")}`,
);
for (const [i, candidate] of poolFeatures.entries()) {
  const aucs = trainCounts.map((n) => {
    const x = candidate.slice([0, 0], [n, -1]);
    const probe = trainSoftmaxProbe(
      x,
      pool.slice(0, n).map((r) => r.label),
      { classes: 2, seed: 1 },
    );
    const probs = probe.predict(devFeatures[i] as tf.Tensor2D);
    const flat = probs.dataSync();
    const scores = devPositives.map((_, row) => flat[row * 2 + 1] ?? 0);
    tf.dispose([x, probs]);
    probe.dispose();
    return auc(rocCurve(scores, devPositives));
  });
  const cut = MOBILENET_V2_CUTS[Math.floor(i / poolings.length)] ?? "?";
  const pooling = poolings[i % poolings.length] ?? "?";
  console.log(
    `${cut.padEnd(22)} ${pooling.padEnd(8)} ${aucs.map((a) => a.toFixed(3).padStart(8)).join(" ")}`,
  );
}
tf.dispose([...poolFeatures, ...devFeatures]);
console.log(
  `dev AUC on ${dev.length} images; total ${seconds(started)} s; tensors ${tf.memory().numTensors}`,
);

/** Features of every (cut, pooling), decoded in chunks so the pool never sits in memory whole. */
async function features(records: readonly RadiographRecord[]): Promise<tf.Tensor2D[]> {
  const chunks: tf.Tensor2D[][] = [];
  for (let start = 0; start < records.length; start += 200) {
    const data = await radiographData(records.slice(start, start + 200), size, 3);
    const candidates = await multiCutFeatures(model, data.data, {
      cuts: MOBILENET_V2_CUTS,
      poolings,
    });
    data.data.dispose();
    chunks.push(candidates.map((c) => c.features));
  }
  const all = (chunks[0] ?? []).map((_, i) =>
    tf.concat(
      chunks.map((c) => c[i] as tf.Tensor2D),
      0,
    ),
  );
  tf.dispose(chunks.flat());
  return all;
}

function radiusSummary(records: readonly RadiographRecord[], side: number): string {
  const radii = records
    .flatMap((r) => (r.lesionPixels ? [(r.lesionPixels.radius * side) / 224] : []))
    .sort((a, b) => a - b);
  const at = (q: number) => (radii[Math.floor(q * (radii.length - 1))] ?? 0).toFixed(1);
  return `min ${at(0)}, median ${at(0.5)}, max ${at(1)} (${radii.length} lesions)`;
}

function seconds(from: number): string {
  return ((performance.now() - from) / 1000).toFixed(0);
}
