// Peak RSS of one streaming epoch over a folder of generated 16×16 PNGs, at
// two dataset sizes 10× apart, each in a fresh child process run one after the
// other. Streaming (`cacheDecoded: false`) should keep the peak flat.
//
//   pnpm --filter @graft/vision bench            # 5 000 vs 50 000 images
//   pnpm --filter @graft/vision bench 2000 20000 # other sizes
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { Jimp } from "jimp";

import { imageDataset } from "../src/data/image-dataset.js";
import { readImageFolder } from "../src/data/read-image-folder.js";
import { imagePreprocessor } from "../src/image/image-preprocessor.js";

const SIDE = 16;
const BATCH = 64;
const VARIANTS = 256;

interface ChildReport {
  images: number;
  batches: number;
  baselineMb: number;
  peakMb: number;
  seconds: number;
}

if (process.argv[2] === "--child") {
  const report = await epoch(process.argv[3] as string);
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const sizes = process.argv.slice(2).map(Number);
  const [small = 5000, large = 50_000] = sizes;
  const reports: ChildReport[] = [];
  for (const n of [small, large]) {
    const root = mkdtempSync(join(tmpdir(), "graft-rss-"));
    try {
      const started = performance.now();
      await writeImages(root, n);
      console.log(`generated ${n} PNGs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const report = await runChild(root);
      console.log(
        `${report.images} images, ${report.batches} batches of ${BATCH}: baseline ${report.baselineMb} MB, peak RSS ${report.peakMb} MB (${report.seconds} s)`,
      );
      reports.push(report);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const [a, b] = reports as [ChildReport, ChildReport];
  console.log(
    `peak RSS ${a.peakMb} MB at ${a.images} images vs ${b.peakMb} MB at ${b.images} images: ratio ${(b.peakMb / a.peakMb).toFixed(2)} for ${(b.images / a.images).toFixed(0)}× the data`,
  );
}

/** One epoch: list the folder, stream batches through the preprocessor, one training step each. */
async function epoch(root: string): Promise<ChildReport> {
  const started = performance.now();
  await loadEngine();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [SIDE, SIDE, 3],
        filters: 4,
        kernelSize: 3,
        activation: "relu",
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 20);
  const { inputs, labels } = await readImageFolder(root, { verify: false });
  const preprocessor = imagePreprocessor({ height: SIDE, width: SIDE });
  const data = imageDataset({ inputs, labels, preprocessor, cacheDecoded: false });
  let batches = 0;
  for (let start = 0; start < data.size; start += BATCH) {
    const indices = Array.from({ length: Math.min(BATCH, data.size - start) }, (_, i) => start + i);
    const x = await data.batch(indices);
    const y = tf.oneHot(
      indices.map((i) => labels[i] ?? 0),
      2,
    );
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    batches++;
    sample();
  }
  clearInterval(timer);
  data.dispose();
  model.dispose();
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  return {
    images: inputs.length,
    batches,
    baselineMb: mb(baseline),
    peakMb: mb(peak),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** `n` PNGs in two class folders; a few hundred distinct images, written over and over. */
async function writeImages(root: string, n: number): Promise<void> {
  const variants: Buffer[] = [];
  for (let v = 0; v < VARIANTS; v++) {
    const image = new Jimp({ width: SIDE, height: SIDE, color: 0x000000ff });
    const px = image.bitmap.data;
    for (let i = 0; i < SIDE * SIDE; i++) {
      const x = i % SIDE;
      const y = Math.floor(i / SIDE);
      const on = ((v % 2 === 0 ? x : y) + v) % 4 < 2;
      px[i * 4] = on ? 220 : 30;
      px[i * 4 + 1] = (v * 29) % 256;
      px[i * 4 + 2] = on ? 30 : 220;
      px[i * 4 + 3] = 255;
    }
    variants.push(Buffer.from(await image.getBuffer("image/png")));
  }
  for (const label of ["even", "odd"]) mkdirSync(join(root, label));
  for (let i = 0; i < n; i++) {
    const v = i % VARIANTS;
    writeFileSync(join(root, v % 2 === 0 ? "even" : "odd", `${i}.png`), variants[v] as Buffer);
  }
}

function runChild(root: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), "--child", root],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`child exited with code ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as ChildReport);
    });
  });
}
