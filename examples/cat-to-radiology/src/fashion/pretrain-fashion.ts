import { existsSync } from "node:fs";
import { join } from "node:path";

import {
  createTransferModel,
  outputHead,
  recalibrateBatchNorm,
  setBatchNormMomentum,
  subsetDataset,
  tensorDataset,
} from "@graft/core";
import type { EvaluationReport, ProgressEvent } from "@graft/core";
import { mobileNetV2, vision } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";

import { FASHION_LABELS, readFashionMnist } from "./fashion-mnist.js";
import type { FashionImages } from "./fashion-mnist.js";

/** Fashion-MNIST is 28 px; MobileNetV2 needs at least 32, so images are zero-padded by 2. */
export const PRETRAIN_SIZE = 32;

/** Options of {@link pretrainOnFashionMnist}. */
export interface PretrainOptions {
  /** Folder the pre-trained model is saved to (and reused from). */
  modelsDir: string;
  /** Training images (≤ 60 000). */
  examples: number;
  epochs: number;
  alpha: number;
  seed: number;
  log: (line: string) => void;
}

/** What pre-training produced: a saved graft model and how it did on Fashion-MNIST's test split. */
export interface Pretrained {
  readonly dir: string;
  readonly reused: boolean;
  readonly examples: number;
  readonly epochs: number;
  readonly seconds: number;
  readonly testAccuracy: number | null;
}

/**
 * Task A, route 2: trains a grayscale MobileNetV2 (width `alpha`, 32 px) from
 * random weights on Fashion-MNIST (10 classes), evaluates it on 2 000 test
 * images and saves it with `TransferModel.save`, to be cut with `loadBackbone`.
 * A model already saved for the same settings is reused.
 */
export async function pretrainOnFashionMnist(o: PretrainOptions): Promise<Pretrained> {
  const dir = join(
    o.modelsDir,
    `fashion-mnist-mobilenetv2-${o.alpha}-n${o.examples}-e${o.epochs}-seed${o.seed}`,
  );
  if (existsSync(join(dir, "graft.json"))) {
    o.log(`task A (fashion): reusing the model pre-trained earlier in ${dir}`);
    return {
      dir,
      reused: true,
      examples: o.examples,
      epochs: o.epochs,
      seconds: 0,
      testAccuracy: null,
    };
  }
  const train = await readFashionMnist("train", o.examples);
  const test = await readFashionMnist("t10k", 2000);
  o.log(
    `task A (fashion): pre-training MobileNetV2 (alpha ${o.alpha}, ${PRETRAIN_SIZE} px, grey) on ${train.count} Fashion-MNIST images, ${o.epochs} epochs …`,
  );
  const backbone = mobileNetV2({
    alpha: o.alpha,
    inputSize: PRETRAIN_SIZE,
    channels: 1,
    pooling: "avg",
    seed: o.seed,
  });
  // A few hundred steps: batch-norm statistics must settle within them (see setBatchNormMomentum).
  setBatchNormMomentum(backbone.model, 0.95);
  const model = createTransferModel({
    backbone,
    task: { kind: "multiclass", labels: FASHION_LABELS },
    head: outputHead(),
    freeze: "trainable",
    plugin: vision,
    seed: o.seed,
  });
  const trainData = tensorDataset(toTensor(train), train.labels);
  const testData = tensorDataset(toTensor(test), test.labels);
  const started = performance.now();
  try {
    await model.fit(trainData, {
      epochs: o.epochs,
      batchSize: 64,
      learningRate: 2e-3,
      seed: o.seed,
      onProgress: (e) => progress(e, o.log),
    });
    await recalibrateBatchNorm(
      model.model,
      subsetDataset(trainData, range(Math.min(train.count, 4096))),
      { batchSize: 128 },
    );
    const seconds = (performance.now() - started) / 1000;
    const report: EvaluationReport = await model.evaluate(testData);
    o.log(
      `task A (fashion): test accuracy ${report.accuracy.toFixed(3)} on ${test.count} Fashion-MNIST test images after ${seconds.toFixed(0)} s`,
    );
    await model.save(dir, {
      metrics: { accuracy: report.accuracy, macroF1: report.macroF1, testExamples: test.count },
      extra: { dataset: "Fashion-MNIST (Debian dataset-fashion-mnist)", epochs: o.epochs },
    });
    return {
      dir,
      reused: false,
      examples: train.count,
      epochs: o.epochs,
      seconds,
      testAccuracy: report.accuracy,
    };
  } finally {
    trainData.dispose();
    testData.dispose();
    model.dispose();
  }
}

/** `[n, 32, 32, 1]` floats in [0, 1], each 28 × 28 image centred with a 2-pixel black border. */
function toTensor({ pixels, count, rows, cols }: FashionImages): tf.Tensor4D {
  const pad = (PRETRAIN_SIZE - rows) / 2;
  const data = new Float32Array(count * PRETRAIN_SIZE * PRETRAIN_SIZE);
  for (let n = 0; n < count; n++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const to = (n * PRETRAIN_SIZE + r + pad) * PRETRAIN_SIZE + c + pad;
        data[to] = (pixels[(n * rows + r) * cols + c] ?? 0) / 255;
      }
    }
  }
  return tf.tensor4d(data, [count, PRETRAIN_SIZE, PRETRAIN_SIZE, 1]);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function progress(e: ProgressEvent, log: (line: string) => void): void {
  if (e.type === "epoch-end") {
    log(
      `  pre-training · epoch ${e.epoch}/${e.epochs}: loss ${e.metrics["loss"]?.toFixed(3)}, accuracy ${e.metrics["accuracy"]?.toFixed(3)}`,
    );
  } else if (e.type === "batch-end" && e.batch % 40 === 0) {
    log(
      `  pre-training · epoch ${e.epoch}/${e.epochs}, batch ${e.batch}/${e.batches}: loss ${e.loss.toFixed(3)}, about ${Math.round(e.etaSeconds)} s left`,
    );
  }
}
