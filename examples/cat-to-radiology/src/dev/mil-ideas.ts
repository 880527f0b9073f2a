// Development measurement of cheap additions to the frozen spatial MIL head,
// scored on the development set (generator seed 5001), never on the 500 test
// images (seed 1001). The backbone runs once per setting; the head trains on
// cached features exactly as `runTransfer` does (same head, schedule, batch
// and seeds), so a setting without additions reproduces `sweep.ts`'s frozen
// MIL result. Each argument is one JSON setting, e.g.
//   '{}'                                  the example's head, seeds 1–3
//   '{"ensemble":5}'                      five heads per seed, probabilities averaged
//   '{"augCopies":4}'                     the head also trains on 4 augmented copies of each image
//   '{"cut":"block_5_expand_relu","size":112}'
// and every setting is also scored with flip test-time augmentation (the
// probability of an image averaged with its mirror's).
import { createTransferModel, loadEngine, tensorDataset } from "@graft/core";
import type { Backbone, Dataset, TransferModel } from "@graft/core";
import { augmentedFeatures, spatialMilHead } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";

import { imagenetBackbone } from "../backbones/imagenet.js";
import { radiographAugmenter } from "../compare.js";
import { radiographData } from "../radiograph-data.js";
import { generateRadiographs, LABELS } from "../radiographs/generate.js";

interface Setting {
  size?: number;
  cut?: string;
  seeds?: number[];
  headEpochs?: number;
  learningRate?: number;
  /** Heads trained per seed (seeds seed, seed + 100, …), their probabilities averaged. @default 1 */
  ensemble?: number;
  /** Augmented copies of each training image whose features join the originals'. @default 0 */
  augCopies?: number;
  /** Momentum of the head's batch normalisation. @default vision's default */
  momentum?: number;
  /** The head's hidden 1×1 channels. @default 0 */
  units?: number;
  /** Subtract each map's spatial mean per channel (the head sees how a location differs from its image). */
  center?: boolean;
  pooling?: "lse" | "max" | "topk";
  /** Batch size of the head's training. @default 16 */
  batchSize?: number;
}

const TASK = { kind: "binary", labels: LABELS } as const;
const outDir = process.env["SWEEP_OUT"] ?? "out/dev-radiographs";
const engine = await loadEngine();
console.log(engine.description);
const devSet = await generateRadiographs({ outDir, count: 300, seed: 5001 });
const trainSet = await generateRadiographs({ outDir, count: 100, seed: 1 });
const devLabels = devSet.map((r) => r.label);

for (const arg of process.argv.slice(2)) {
  const s = JSON.parse(arg) as Setting;
  const started = performance.now();
  const size = s.size ?? 96;
  const seeds = s.seeds ?? [1, 2, 3];
  const members = s.ensemble ?? 1;
  const copies = s.augCopies ?? 0;
  const backbone = await imagenetBackbone(size, s.cut ?? "block_6_expand_relu", "none");
  const train = await radiographData(trainSet, size, 3);
  const dev = await radiographData(devSet, size, 3);
  const devImages = (await dev.data.batch(devSet.map((_, i) => i))) as tf.Tensor4D;
  const devFeatures = maybeCenter(features(backbone, devImages), s.center);
  const mirrored = tf.tidy(() => tf.image.flipLeftRight(devImages));
  const mirroredFeatures = maybeCenter(features(backbone, mirrored), s.center);
  mirrored.dispose();
  const variants: Record<string, number[]> = { plain: [], flipTta: [] };
  if (members > 1) Object.assign(variants, { ensemble: [], ensembleFlipTta: [] });
  for (const seed of seeds) {
    // As runTransfer computes them: batches of 16, the fine-tuning's augmentation seeded by the seed.
    const raw = await augmentedFeatures(backbone, train.data, {
      copies,
      augment: radiographAugmenter(seed),
      batchSize: 16,
    });
    const x = s.center ? centered(raw) : raw;
    const plain: number[][] = [];
    const flipped: number[][] = [];
    for (let m = 0; m < members; m++) {
      const head = await trainHead(backbone, x, seed + 100 * m, s);
      plain.push(scores(head, devFeatures));
      flipped.push(scores(head, mirroredFeatures));
      release(head);
    }
    x.dispose();
    const first = plain[0] ?? [];
    const firstFlipped = flipped[0] ?? [];
    variants["plain"]?.push(auc(first, devLabels));
    variants["flipTta"]?.push(auc(mean([first, firstFlipped]), devLabels));
    variants["ensemble"]?.push(auc(mean(plain), devLabels));
    variants["ensembleFlipTta"]?.push(auc(mean([...plain, ...flipped]), devLabels));
  }
  tf.dispose([devImages, devFeatures, mirroredFeatures]);
  train.data.dispose();
  dev.data.dispose();
  backbone.model.dispose();
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const summary = Object.entries(variants)
    .map(([name, aucs]) => `${name} ${meanSd(aucs)} [${aucs.map((a) => a.toFixed(3)).join(" ")}]`)
    .join("; ");
  console.log(`RESULT ${arg} seeds ${seeds.join(",")}: ${summary} (${seconds} s)`);
  console.log(`tensors ${tf.memory().numTensors}`);
}

/** `x` minus each map's spatial mean per channel when `center` (frees `x` then), else `x`. */
function maybeCenter(x: tf.Tensor, center = false): tf.Tensor {
  if (!center) return x;
  const y = tf.tidy(() => x.sub(x.mean([1, 2], true)));
  x.dispose();
  return y;
}

/** A features dataset whose maps are centred; frees `data`. */
function centered(data: Dataset & { readonly x: tf.Tensor; dispose(): void }) {
  const x = maybeCenter(data.x.clone(), true);
  data.dispose();
  return tensorDataset(x, data.labels);
}

/** The backbone's (cut, unpooled) features of `images`, 32 at a time. The caller owns the result. */
function features(backbone: Backbone, images: tf.Tensor4D): tf.Tensor {
  const parts: tf.Tensor[] = [];
  const n = images.shape[0];
  for (let start = 0; start < n; start += 32) {
    const count = Math.min(32, n - start);
    parts.push(
      tf.tidy(
        () =>
          backbone.model.predict(images.slice([start, 0, 0, 0], [count, -1, -1, -1])) as tf.Tensor,
      ),
    );
  }
  const all = tf.concat(parts, 0);
  tf.dispose(parts);
  return all;
}

/** The example's frozen MIL head (`runTransfer`), trained on cached features. */
async function trainHead(
  backbone: Backbone,
  data: Dataset,
  seed: number,
  s: Setting,
): Promise<TransferModel> {
  const model = createTransferModel({
    backbone,
    task: TASK,
    head: spatialMilHead({
      pooling: s.pooling ?? "lse",
      units: s.units ?? 0,
      ...(s.momentum === undefined ? {} : { momentum: s.momentum }),
    }),
    freeze: "frozen",
    seed,
  });
  await model.fit(data, {
    inputs: "features",
    phases: [
      {
        name: "MIL head",
        epochs: s.headEpochs ?? 60,
        freeze: "frozen",
        learningRate: s.learningRate ?? 3e-3,
      },
    ],
    batchSize: s.batchSize ?? 16,
    seed,
  });
  return model;
}

/** Lesion probabilities of the head on cached features. */
function scores(model: TransferModel, x: tf.Tensor): number[] {
  const p = tf.tidy(() =>
    (model.headModel.predict(x, { batchSize: 32 }) as tf.Tensor).reshape([-1]),
  );
  const values = Array.from(p.dataSync());
  p.dispose();
  return values;
}

/** Frees the head's weights, not the backbone's (which `TransferModel.dispose` would free too). */
function release(model: TransferModel): void {
  // The head's layers are used by both `model.model` and `model.headModel`: two references.
  model.headModel.dispose();
  for (const layer of model.head.layers) layer.dispose();
}

function mean(rows: number[][]): number[] {
  const n = rows[0]?.length ?? 0;
  return Array.from(
    { length: n },
    (_, i) => rows.reduce((a, r) => a + (r[i] ?? 0), 0) / rows.length,
  );
}

/** Mann–Whitney AUC: share of (lesion, normal) pairs ranked the right way, ties half. */
function auc(scores: number[], labels: number[]): number {
  const pos = scores.filter((_, i) => labels[i] === 1);
  const neg = scores.filter((_, i) => labels[i] !== 1);
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / Math.max(1, pos.length * neg.length);
}

/** Mean ± sample standard deviation. */
function meanSd(values: number[]): string {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const sd =
    values.length > 1
      ? Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1))
      : 0;
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
}
