// Development measurement (issue #13): does a spatial multiple-instance head
// on a frozen feature map find the small lesions that global pooling dilutes?
// The pre-trained MobileNetV2 is cut at a few layers and their maps are kept
// whole ([h, w, c], no global pooling). A small head scores every location
// (1×1 conv to `units` channels + ReLU, then 1×1 conv to one logit; or, with
// units 0, one 1×1 conv: a per-location linear probe), the location scores
// are pooled into one logit per image (max, log-sum-exp or top-k mean) and
// the head is trained with a sigmoid loss, weight decay and input dropout.
// Beside it, the old baseline on the same split: core's softmax probe on
// globally avg- and max-pooled features.
// Training sets: the example's 100 training images (seed 1, column "ex100"),
// the first 100 and all 1000 images of a development pool (seed 3001,
// "pool100", "pool1000"). Scored on the development set (seed 5001). The 500
// test images (seed 1001) are never read.
//
// Usage (from examples/cat-to-radiology):
//   nice -n 10 node --conditions=@graft/source --import @graft/ts-hooks/register \
//     src/dev/spatial-head.ts [--size 96] [--cuts block_6_expand_relu,block_13_expand_relu]
//     [--heads 0,8] [--poolings max,lse,topk] [--sets ex100,pool100,pool1000]
//     [--steps 300] [--lr 0.003] [--l2 1e-3] [--dropout 0.2] [--r 5] [--topk 0.05] [--seeds 1]
//     [--norm fixed|none|batch] [--impl loop|layers]
// --impl layers trains vision's spatialMilHead itself (model.fit; --norm fixed
// means its BatchNormalization) instead of the script's own loop.
// Defaults: 96 px, cuts block_6/10/13_expand_relu and out_relu, heads 0 (linear) and 8 units.
// Measured (2026-12-07, 96 px, --r 2 --l2 0.01 --seeds 1,2,3): block_6 lin→lse 0.726 ± 0.004
// (ex100), 0.707 ± 0.059 (pool100), 0.770 ± 0.027 (pool1000) against 0.567 / 0.497 / 0.647 for
// the avg-pooled probe; max pooling is unstable across seeds (0.556 ± 0.178 on ex100).
import { parseArgs } from "node:util";

import { auc, createRng, loadEngine, rocCurve, trainSoftmaxProbe } from "@graft/core";
import type { MilPooling } from "@graft/vision";
import { MilPooling2D, pretrainedMobileNetV2Model, spatialMilHead } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";

import { radiographData } from "../radiograph-data.js";
import { generateRadiographs } from "../radiographs/generate.js";
import type { RadiographRecord } from "../radiographs/generate.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "96" },
    cuts: {
      type: "string",
      default: "block_6_expand_relu,block_10_expand_relu,block_13_expand_relu,out_relu",
    },
    heads: { type: "string", default: "0,8" },
    poolings: { type: "string", default: "max,lse,topk" },
    sets: { type: "string", default: "ex100,pool100,pool1000" },
    pool: { type: "string", default: "1000" },
    dev: { type: "string", default: "300" },
    steps: { type: "string", default: "300" },
    batch: { type: "string", default: "32" },
    lr: { type: "string", default: "0.003" },
    l2: { type: "string", default: "0.001" },
    dropout: { type: "string", default: "0.2" },
    r: { type: "string", default: "5" },
    topk: { type: "string", default: "0.05" },
    seeds: { type: "string", default: "1" },
    norm: { type: "string", default: "fixed" },
    impl: { type: "string", default: "loop" },
    out: { type: "string", default: "out/dev-radiographs" },
  },
});
const size = Number(values.size);
const cuts = values.cuts.split(",");
const heads = values.heads.split(",").map(Number);
const poolings = values.poolings.split(",") as MilPooling[];
const setNames = values.sets.split(",");
const seeds = values.seeds.split(",").map(Number);
const hyper = {
  steps: Number(values.steps),
  batch: Number(values.batch),
  lr: Number(values.lr),
  l2: Number(values.l2),
  dropout: Number(values.dropout),
  r: Number(values.r),
  topk: Number(values.topk),
  /** `fixed`: maps standardised per channel with the training images' statistics; `none`: raw. */
  norm: values.norm === "none" ? "none" : values.norm === "batch" ? "batch" : "fixed",
  /** `loop`: the script's own training loop; `layers`: vision's spatialMilHead trained with model.fit. */
  impl: values.impl === "layers" ? "layers" : "loop",
};

/** A cut's maps of a set of images, kept outside the engine's heap: [n, h·w, c] row-major. */
interface Maps {
  readonly values: Float32Array;
  readonly n: number;
  readonly locations: number;
  readonly channels: number;
  readonly side: number;
}

const engine = await loadEngine();
console.log(engine.description);
const started = performance.now();
const poolCount = Number(values.pool);
const exTrain = await generateRadiographs({ outDir: values.out, count: 100, seed: 1 });
const pool = await generateRadiographs({ outDir: values.out, count: poolCount, seed: 3001 });
const dev = await generateRadiographs({
  outDir: values.out,
  count: Number(values.dev),
  seed: 5001,
});

const model = await pretrainedMobileNetV2Model({ inputSize: size });
const reader = tf.model({
  inputs: model.inputs,
  outputs: cuts.map((name) => {
    const output = model.getLayer(name).output;
    if (Array.isArray(output)) throw new Error(`${name} has several outputs`);
    return output;
  }),
});
const exMaps = await featureMaps(exTrain);
const poolMaps = setNames.some((s) => s.startsWith("pool")) ? await featureMaps(pool) : [];
const devMaps = await featureMaps(dev);
model.dispose();
console.log(
  `maps of ${exTrain.length + (poolMaps.length > 0 ? pool.length : 0) + dev.length} images at ${size} px in ${seconds(started)} s: ` +
    cuts
      .map((c, i) => `${c} ${devMaps[i]?.side}×${devMaps[i]?.side}×${devMaps[i]?.channels}`)
      .join(", "),
);
console.log(
  `head: steps ${hyper.steps}, batch ${hyper.batch}, Adam ${hyper.lr}, L2 ${hyper.l2}, input dropout ${hyper.dropout}, lse r ${hyper.r}, top-k ${hyper.topk} of locations, norm ${hyper.norm}; seeds ${seeds.join(",")}`,
);

const devPositives = dev.map((r) => r.label === 1);
const trainSets = setNames.map((name) => {
  if (name === "ex100") return { name, records: exTrain, maps: exMaps, n: 100 };
  const n = Number(name.slice("pool".length));
  return { name, records: pool.slice(0, n), maps: poolMaps, n };
});
console.log(
  `${"cut".padEnd(22)} ${"head".padEnd(16)} ${trainSets.map((s) => s.name.padStart(9)).join(" ")}   seconds`,
);
for (const [c, cut] of cuts.entries()) {
  const devCut = devMaps[c] as Maps;
  for (const globalPool of ["avg", "max"] as const) {
    const t0 = performance.now();
    const aucs = trainSets.map((set) =>
      mean(
        seeds.map((seed) =>
          probeAuc(set.maps[c] as Maps, set.records, set.n, devCut, globalPool, seed),
        ),
      ),
    );
    row(cut, `probe(${globalPool}pool)`, aucs, t0);
  }
  for (const units of heads) {
    for (const pooling of poolings) {
      const t0 = performance.now();
      const aucs: number[] = [];
      const spreads: number[] = [];
      for (const set of trainSets) {
        const perSeed: number[] = [];
        for (const seed of seeds) {
          const maps = set.maps[c] as Maps;
          const args = { units, pooling, seed };
          perSeed.push(
            hyper.impl === "layers"
              ? await layersAuc(maps, set.records, set.n, devCut, args)
              : milAuc(maps, set.records, set.n, devCut, args),
          );
        }
        aucs.push(mean(perSeed));
        spreads.push(sd(perSeed));
      }
      row(
        cut,
        `${units === 0 ? "lin" : `u${units}`}→${pooling}`,
        aucs,
        t0,
        seeds.length > 1 ? spreads : undefined,
      );
    }
  }
}
console.log(
  `dev AUC on ${dev.length} images (mean${seeds.length > 1 ? " ± sd" : ""} over seeds ${seeds.join(",")}); total ${seconds(started)} s; tensors ${tf.memory().numTensors}`,
);

function row(cut: string, head: string, aucs: number[], t0: number, spreads?: number[]): void {
  const cells = aucs.map((a, i) =>
    spreads
      ? `${a.toFixed(3)}±${(spreads[i] ?? 0).toFixed(3)}`.padStart(12)
      : a.toFixed(3).padStart(9),
  );
  console.log(
    `${cut.padEnd(22)} ${head.padEnd(16)} ${cells.join(" ")}   ${seconds(t0).padStart(7)}`,
  );
}

/** Maps of every cut for `records`, read in batches of 16 inside tf.tidy and copied out of the engine. */
async function featureMaps(records: readonly RadiographRecord[]): Promise<Maps[]> {
  const out: Maps[] = [];
  for (let start = 0; start < records.length; start += 200) {
    const data = await radiographData(records.slice(start, start + 200), size, 3);
    for (let b = 0; b < data.data.size; b += 16) {
      const indices = Array.from({ length: Math.min(16, data.data.size - b) }, (_, i) => b + i);
      const x = await data.data.batch(indices);
      const maps = tf.tidy(() => {
        const y = reader.predict(x);
        return Array.isArray(y) ? y : [y];
      });
      x.dispose();
      for (const [i, map] of maps.entries()) {
        const [, h, , ch] = map.shape as [number, number, number, number];
        const target =
          out[i] ??
          (out[i] = {
            values: new Float32Array(records.length * h * h * ch),
            n: records.length,
            locations: h * h,
            channels: ch,
            side: h,
          });
        target.values.set(map.dataSync(), (start + b) * h * h * ch);
      }
      tf.dispose(maps);
    }
    data.data.dispose();
  }
  return out;
}

/** Rows `indices` of `maps` as a [k, locations, channels] tensor. */
function gather(maps: Maps, indices: readonly number[]): tf.Tensor3D {
  const stride = maps.locations * maps.channels;
  const buf = new Float32Array(indices.length * stride);
  indices.forEach((row, i) =>
    buf.set(maps.values.subarray(row * stride, (row + 1) * stride), i * stride),
  );
  return tf.tensor3d(buf, [indices.length, maps.locations, maps.channels]);
}

/** Per-channel mean and standard deviation over every location of the first n images. */
function channelMoments(maps: Maps, n: number): { mean: tf.Tensor1D; scale: tf.Tensor1D } {
  const c = maps.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  const count = n * maps.locations;
  for (let i = 0; i < count * c; i++) {
    const v = maps.values[i] as number;
    sum[i % c] = (sum[i % c] as number) + v;
    sq[i % c] = (sq[i % c] as number) + v * v;
  }
  const m = Float32Array.from(sum, (s) => s / count);
  const s = Float32Array.from(
    sq,
    (q, j) => Math.sqrt(Math.max(q / count - (m[j] as number) ** 2, 0)) + 1e-6,
  );
  return { mean: tf.tensor1d(m), scale: tf.tensor1d(s) };
}

/** Baseline: core's softmax probe on globally pooled maps. */
function probeAuc(
  train: Maps,
  records: readonly RadiographRecord[],
  n: number,
  devCut: Maps,
  pooling: "avg" | "max",
  seed: number,
): number {
  const pooled = (maps: Maps, count: number) =>
    tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let s = 0; s < count; s += 100) {
        const x = gather(maps, range(s, Math.min(count, s + 100)));
        parts.push(pooling === "avg" ? x.mean(1) : x.max(1));
      }
      return tf.concat(parts, 0);
    });
  const x = pooled(train, n);
  const probe = trainSoftmaxProbe(
    x,
    records.map((r) => r.label),
    { classes: 2, seed },
  );
  const d = pooled(devCut, devCut.n);
  const probs = probe.predict(d);
  const flat = probs.dataSync();
  const scores = devPositives.map((_, row) => flat[row * 2 + 1] ?? 0);
  tf.dispose([x, d, probs]);
  probe.dispose();
  return auc(rocCurve(scores, devPositives));
}

/** Trains a MIL head on the first n maps of `train` and returns its AUC on the dev maps. */
function milAuc(
  train: Maps,
  records: readonly RadiographRecord[],
  n: number,
  devCut: Maps,
  { units, pooling, seed }: { units: number; pooling: MilPooling; seed: number },
): number {
  const c = train.channels;
  const { mean: mu, scale } = channelMoments(train, n);
  const vars: tf.Variable[] = tf.tidy(() =>
    units === 0
      ? [tf.variable(tf.randomNormal([c, 1], 0, 0.01, "float32", seed)), tf.variable(tf.zeros([1]))]
      : [
          tf.variable(tf.randomNormal([c, units], 0, Math.sqrt(2 / c), "float32", seed)),
          tf.variable(tf.zeros([units])),
          tf.variable(tf.randomNormal([units, 1], 0, Math.sqrt(1 / units), "float32", seed + 1)),
          tf.variable(tf.zeros([1])),
        ],
  );
  const pool = new MilPooling2D({ pooling, r: hyper.r, topFraction: hyper.topk });
  /** Image logits [b] from maps [b, L, c]. */
  const forward = (x: tf.Tensor3D, training: boolean): tf.Tensor1D => {
    const [b, l] = x.shape;
    const z = hyper.norm === "fixed" ? x.sub(mu).div(scale) : x;
    let h: tf.Tensor2D = z.reshape([b * l, c]);
    if (training && hyper.dropout > 0) h = tf.dropout(h, hyper.dropout) as tf.Tensor2D;
    const [w1, b1, w2, b2] = vars as [tf.Variable, tf.Variable, tf.Variable?, tf.Variable?];
    let s = h.matMul(w1 as tf.Tensor2D).add(b1);
    if (w2 && b2)
      s = s
        .relu()
        .matMul(w2 as tf.Tensor2D)
        .add(b2);
    // vision's MIL pooling over the l locations of each image's score map.
    return (pool.apply(s.reshape([b, l, 1, 1])) as tf.Tensor).reshape([b]);
  };
  const labels = records.slice(0, n).map((r) => r.label as number);
  const optimizer = tf.train.adam(hyper.lr);
  const rng = createRng(seed);
  let order: number[] = [];
  for (let step = 0; step < hyper.steps; step++) {
    if (order.length < Math.min(hyper.batch, n)) order = rng.shuffle(range(0, n));
    const idx = order.splice(0, Math.min(hyper.batch, n));
    const x = gather(train, idx);
    const y = tf.tensor1d(idx.map((i) => labels[i] as number));
    const cost = optimizer.minimize(
      () => {
        const logits = forward(x, true);
        const decay = vars
          .filter((v) => v.rank === 2)
          .map((v) => v.square().sum())
          .reduce((a, b) => a.add(b));
        return tf.losses.sigmoidCrossEntropy(y, logits).add(decay.mul(hyper.l2)) as tf.Scalar;
      },
      false,
      vars,
    );
    tf.dispose([x, y]);
    cost?.dispose();
  }
  const scores: number[] = [];
  for (let s = 0; s < devCut.n; s += 50) {
    const x = gather(devCut, range(s, Math.min(devCut.n, s + 50)));
    const logits = tf.tidy(() => forward(x, false));
    scores.push(...logits.dataSync());
    tf.dispose([x, logits]);
  }
  optimizer.dispose();
  tf.dispose([...vars, mu, scale]);
  return auc(rocCurve(scores, devPositives));
}

/**
 * The same experiment with vision's `spatialMilHead` layers (per-channel
 * normalisation by its BatchNormalization, or none) trained by model.fit.
 */
async function layersAuc(
  train: Maps,
  records: readonly RadiographRecord[],
  n: number,
  devCut: Maps,
  { units, pooling, seed }: { units: number; pooling: MilPooling; seed: number },
): Promise<number> {
  const { layers } = spatialMilHead({
    units,
    pooling,
    r: hyper.r,
    topFraction: hyper.topk,
    dropout: hyper.dropout,
    l2: hyper.l2,
    normalization: hyper.norm === "none" ? "none" : "batch",
  })({
    featureShape: [train.side, train.side, train.channels],
    task: { kind: "binary", labels: ["normal", "lesion"] },
    takenNames: new Set(),
    seed,
  });
  const input = tf.input({ shape: [train.side, train.side, train.channels] });
  const output = layers.reduce<tf.SymbolicTensor>((x, l) => l.apply(x) as tf.SymbolicTensor, input);
  const head = tf.model({ inputs: input, outputs: output });
  head.compile({ optimizer: tf.train.adam(hyper.lr), loss: "binaryCrossentropy" });
  const asMap = (t: tf.Tensor3D) => t.reshape([t.shape[0], train.side, train.side, train.channels]);
  const x = tf.tidy(() => asMap(gather(train, range(0, n))));
  const y = tf.tensor2d(
    records.slice(0, n).map((r) => r.label),
    [n, 1],
  );
  const epochs = Math.max(1, Math.round((hyper.steps * hyper.batch) / n));
  await head.fit(x, y, { epochs, batchSize: hyper.batch, verbose: 0 });
  const scores: number[] = [];
  for (let s = 0; s < devCut.n; s += 50) {
    const p = tf.tidy(
      () => head.predict(asMap(gather(devCut, range(s, Math.min(devCut.n, s + 50))))) as tf.Tensor,
    );
    scores.push(...p.dataSync());
    p.dispose();
  }
  tf.dispose([x, y]);
  head.optimizer.dispose();
  head.dispose();
  return auc(rocCurve(scores, devPositives));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Standard deviation over seeds (n − 1 in the denominator). */
function sd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
}

function seconds(from: number): string {
  return ((performance.now() - from) / 1000).toFixed(0);
}
