// Development sweep: runs the example's own transfer, fine-tune and scratch
// code with other settings and scores them on a development set (generator
// seed 5001), never on the 500 test images (seed 1001). Each argument is one
// JSON setting, e.g. '{"cut":"block_13_expand_relu","top":8,"epochs":6}' or
// '{"scratch":true,"train":1000,"trainSeed":3001}'; '{"size":96,"cut":"block_6_expand_relu",
// "head":"mil","milPooling":"lse"}' trains vision's spatial MIL head on the unpooled cut instead
// ("augCopies":16,"headEpochs":10 also on the features of 16 augmented copies of each image).
// The final development AUC averages each image with its mirror, as the example does ("tta":false: off).
import { loadEngine } from "@graft/core";
import type { Pooling, TransferModel } from "@graft/core";
import { mirrorViews, mobileNetV2 } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";

import { imagenetBackbone } from "../backbones/imagenet.js";
import { runFineTune, runScratch, runTransfer } from "../compare.js";
import { radiographData } from "../radiograph-data.js";
import type { RadiographData } from "../radiograph-data.js";
import { generateRadiographs } from "../radiographs/generate.js";

interface Setting {
  cut?: string;
  pooling?: Pooling;
  size?: number;
  headEpochs?: number;
  /** Fine-tuned backbone layers; 0 = frozen head only. */
  top?: number;
  epochs?: number;
  lr?: number;
  mult?: number;
  augment?: boolean;
  scratch?: boolean;
  /** Training images and their generator seed (the example's are 100 of seed 1). */
  train?: number;
  trainSeed?: number;
  /** `mil`: vision's spatial MIL head on the unpooled cut (pooling is then "none"). */
  head?: "output" | "mil";
  milPooling?: "max" | "lse" | "topk";
  milUnits?: number;
  milNorm?: "batch" | "none";
  /** Augmented copies of each training image whose features the frozen head also trains on. @default 0 */
  augCopies?: number;
  /** Seed of the head's initialisation and batch order. @default 1 */
  seed?: number;
  /** Score the development set with mirror test-time augmentation, as the example does. @default true */
  tta?: boolean;
}

const outDir = process.env["SWEEP_OUT"] ?? "out/dev-radiographs";
const devCount = Number(process.env["DEV_COUNT"] ?? 300);
const engine = await loadEngine();
console.log(engine.description);
const devSet = await generateRadiographs({ outDir, count: devCount, seed: 5001 });

for (const arg of process.argv.slice(2)) {
  const s = JSON.parse(arg) as Setting;
  const started = performance.now();
  const trainSet = await generateRadiographs({
    outDir,
    count: s.train ?? 100,
    seed: s.trainSeed ?? 1,
  });
  const size = s.size ?? (s.scratch ? 96 : 224);
  const train = await radiographData(trainSet, size, 3);
  const dev = await radiographData(devSet, size, 3);
  const settings = {
    seed: s.seed ?? 1,
    ...(s.tta === false ? {} : { testViews: mirrorViews() }),
    log: (line: string) => {
      if (line) console.log(`  ${line}`);
    },
  };
  const aucs: string[] = [];
  let result: string;
  if (s.scratch) {
    const backbone = mobileNetV2({
      alpha: 1,
      inputSize: size,
      channels: 3,
      pooling: "avg",
      seed: 1,
    });
    const scratch = await runScratch(backbone, train, dev, { ...settings, epochs: s.epochs ?? 15 });
    result = `scratch ${auc(scratch.report.macroAuc)}`;
    scratch.model.dispose();
  } else {
    const backbone = await imagenetBackbone(
      size,
      s.cut ?? "block_10_expand_relu",
      s.head === "mil" ? "none" : (s.pooling ?? "avg"),
    );
    const transfer = await runTransfer(backbone, train, dev, {
      ...settings,
      headEpochs: s.headEpochs ?? 60,
      augmentCopies: s.augCopies ?? 0,
      ...(s.head === "mil"
        ? {
            head: {
              kind: "mil",
              pooling: s.milPooling ?? "lse",
              units: s.milUnits ?? 0,
              ...(s.milNorm ? { normalization: s.milNorm } : {}),
            } as const,
          }
        : {}),
    });
    result = `frozen ${auc(transfer.report.macroAuc)}`;
    if ((s.top ?? 0) > 0) {
      const devImages = await dev.data.batch(devSet.map((_, i) => i));
      const tuned = await runFineTune(
        transfer,
        train,
        dev,
        {
          layers: s.top ?? 0,
          epochs: s.epochs ?? 6,
          learningRate: s.lr ?? 1e-4,
          backboneLrMult: s.mult ?? 0.1,
          augment: s.augment ?? true,
          afterEpoch: (epoch, model) => aucs.push(`${epoch}:${devAuc(model, devImages, dev)}`),
        },
        settings,
      );
      devImages.dispose();
      result += ` tuned ${auc(tuned.report.macroAuc)}`;
    }
    transfer.model.dispose();
  }
  train.data.dispose();
  dev.data.dispose();
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`RESULT ${arg} ${result} (${seconds} s) by epoch ${aucs.join(" ")}`);
  console.log(`tensors ${tf.memory().numTensors}`);
}

function auc(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : value.toFixed(3);
}

/** Dev AUC of `model` right now, computed synchronously (called between epochs). */
function devAuc(model: TransferModel, images: tf.Tensor, dev: RadiographData): string {
  const scores: number[] = [];
  for (let start = 0; start < images.shape[0]; start += 20) {
    const count = Math.min(20, images.shape[0] - start);
    const p = tf.tidy(() => {
      const x = images.slice([start, 0, 0, 0], [count, -1, -1, -1]);
      return model.predict(x).reshape([count]);
    });
    scores.push(...p.dataSync());
    p.dispose();
  }
  const positives = dev.records.map((r) => r.label === 1);
  const pos = scores.filter((_, i) => positives[i]);
  const neg = scores.filter((_, i) => !positives[i]);
  // Mann–Whitney: share of (lesion, normal) pairs ranked the right way, ties half.
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return (wins / Math.max(1, pos.length * neg.length)).toFixed(3);
}
