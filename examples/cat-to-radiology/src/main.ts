import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { loadEngine } from "@graft/core";
import type { Backbone, Pooling } from "@graft/core";
import { mirrorViews, mobileNetV2 } from "@graft/vision";
import * as tf from "@tensorflow/tfjs";

import { imagenetBackbone } from "./backbones/imagenet.js";
import { runFineTune, runScratch, runTransfer } from "./compare.js";
import type { RunResult } from "./compare.js";
import { explorationTable, exploreRadiographCuts, recommended } from "./explore-table.js";
import { fashionBackbone } from "./fashion/fashion-backbone.js";
import { writeOverlays } from "./grad-cam-overlays.js";
import { frozenHeadDefaults, parseDemoOptions } from "./options.js";
import type { DemoOptions } from "./options.js";
import { radiographData } from "./radiograph-data.js";
import { generateRadiographs } from "./radiographs/generate.js";
import type { RadiographRecord } from "./radiographs/generate.js";
import { comparisonLines, summary } from "./report.js";

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string) => {
  if (line) console.log(line);
};

const options = parseDemoOptions(process.argv.slice(2));
const engine = await loadEngine();
log(engine.description);
await mkdir(options.out, { recursive: true });

const { train, test } = await radiographs(options);
const metrics: Record<string, unknown> = {
  engine: engine.name,
  options,
  taskB: {
    source:
      "skull radiographs projected from one real head CT (Debian invesalius-examples, Cranium.inv3)",
    trainImages: train.length,
    testImages: test.length,
    size: options.size,
  },
  routes: {},
};
const routes = options.route === "both" ? (["imagenet", "fashion"] as const) : [options.route];
const printed: string[] = [];
for (const route of routes) {
  const result = await compareRoute(route, options, train, test);
  (metrics["routes"] as Record<string, unknown>)[route] = result.metrics;
  printed.push(...result.lines);
}

log("");
for (const line of printed) log(line);
metrics["seconds"] = Number(((performance.now() - started) / 1000).toFixed(1));
await writeFile(join(options.out, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
log(
  `metrics: ${join(options.out, "metrics.json")}; Grad-CAM overlays: ${join(options.out, "grad-cam")}`,
);
log(`total ${elapsed()}`);

async function radiographs(
  o: DemoOptions,
): Promise<{ train: RadiographRecord[]; test: RadiographRecord[] }> {
  const outDir = join(o.out, "radiographs");
  const progress = (name: string) => (done: number, total: number) => {
    if (done % 100 === 0 || done === total) log(`  ${name}: ${done}/${total} radiographs rendered`);
  };
  log(
    `task B: generating radiographs from the head CT in ${outDir} (cached after the first run) …`,
  );
  const trainSet = await generateRadiographs({
    outDir,
    count: o.train,
    seed: o.seed,
    onImage: progress("train"),
  });
  const testSet = await generateRadiographs({
    outDir,
    count: o.test,
    seed: o.seed + 1000,
    onImage: progress("test"),
  });
  const count = (set: RadiographRecord[], label: number) =>
    set.filter((r) => r.label === label).length;
  log(
    `task B: ${trainSet.length} training radiographs (${count(trainSet, 0)} normal, ${count(trainSet, 1)} lesion), ` +
      `${testSet.length} test radiographs (${count(testSet, 0)} normal, ${count(testSet, 1)} lesion) [${elapsed()}]`,
  );
  return { train: trainSet, test: testSet };
}

async function compareRoute(
  route: "imagenet" | "fashion",
  o: DemoOptions,
  trainSet: RadiographRecord[],
  testSet: RadiographRecord[],
): Promise<{ lines: string[]; metrics: Record<string, unknown> }> {
  const channels = route === "imagenet" ? 3 : 1;
  const trainData = await radiographData(trainSet, o.size, channels);
  const testData = await radiographData(testSet, o.size, channels);
  const settings = { seed: o.seed, log, ...(o.mirrorTest ? { testViews: mirrorViews() } : {}) };
  if (o.mirrorTest)
    log(
      "test: every model's probability for an image is averaged with its mirror image's (--no-mirror-test: off)",
    );

  let exploration: Record<string, unknown> | null = null;
  let picked: { backbone: Backbone; alpha: number; pretraining: unknown };
  if (route === "imagenet") {
    const mil = o.head === "mil" ? { pooling: o.milPooling, units: o.milUnits } : undefined;
    log(
      `explorer: cut points × poolings${mil ? " (and a MIL head per cut)" : ""} of the pre-trained MobileNetV2 at ${o.size} px, 5-fold CV on the ${trainSet.length} training images …`,
    );
    const explored = await exploreRadiographCuts(trainData, o.size, o.seed, mil);
    for (const line of explorationTable(explored)) log(`  ${line}`);
    const best = recommended(explored, mil !== undefined);
    log(
      `explorer: recommends ${best.cut} + ${best.pooling === "mil" ? "the MIL head" : `${best.pooling} pooling`} (CV AUC ${best.auc.mean.toFixed(3)} ± ${best.auc.std.toFixed(3)}); ` +
        `one backbone pass ${explored.featureSeconds.toFixed(1)} s [${elapsed()}]`,
    );
    exploration = {
      featureSeconds: Number(explored.featureSeconds.toFixed(1)),
      ranked: explored.ranked.map((c) => ({
        cut: c.cut,
        pooling: c.pooling,
        features: c.size,
        auc: c.auc,
        seconds: Number(c.seconds.toFixed(2)),
      })),
    };
    const cut =
      o.cut === "auto"
        ? { layer: best.cut, pooling: (o.head === "mil" ? "none" : best.pooling) as Pooling }
        : o.cut;
    if (o.cut !== "auto")
      log(
        `explorer: not followed; the cut is ${cut.layer}:${cut.pooling} (--cut, its default chosen on the development set; --cut auto follows the explorer)`,
      );
    picked = {
      backbone: await imagenetBackbone(o.size, cut.layer, cut.pooling),
      alpha: 1,
      pretraining: null,
    };
  } else {
    picked = await fashionBackbone(o, log);
  }
  const { backbone, alpha, pretraining } = picked;
  log(`task A (${route}): ${describe(backbone)} [${elapsed()}]`);

  const milHead = route === "imagenet" && o.head === "mil";
  const frozen = frozenHeadDefaults(o, milHead);
  log(
    `transfer: ${milHead ? "spatial MIL head" : "new output layer"} on the frozen backbone${frozen.augmentCopies > 0 ? `, trained on the features of each image and ${frozen.augmentCopies} augmented copies` : ""} …`,
  );
  const transfer = await runTransfer(backbone, trainData, testData, {
    ...settings,
    ...frozen,
    ...(milHead ? { head: { kind: "mil", pooling: o.milPooling, units: o.milUnits } } : {}),
  });
  log(`transfer: test AUC ${transfer.report.macroAuc?.toFixed(3)} [${elapsed()}]`);
  const transferSummary = summary(transfer);

  let fineTuned: RunResult | null = null;
  if (o.fineTune > 0) {
    log(`fine-tune: top ${o.fineTune} backbone layers at ${o.size} px …`);
    fineTuned = await runFineTune(
      transfer,
      trainData,
      testData,
      {
        layers: o.fineTune,
        epochs: o.fineTuneEpochs,
        learningRate: o.fineTuneLr,
        backboneLrMult: o.backboneLrMult,
        augment: true,
      },
      settings,
    );
    log(`fine-tune: test AUC ${fineTuned.report.macroAuc?.toFixed(3)} [${elapsed()}]`);
  }

  log(
    `scratch: the same MobileNetV2 (alpha ${alpha}, ${o.scratchSize} px), random weights, ${o.scratchEpochs} epochs …`,
  );
  const sameSize = o.scratchSize === o.size;
  const scratchTrain = sameSize
    ? trainData
    : await radiographData(trainSet, o.scratchSize, channels);
  const scratchTest = sameSize ? testData : await radiographData(testSet, o.scratchSize, channels);
  const scratchBackbone = mobileNetV2({
    alpha,
    inputSize: o.scratchSize,
    channels,
    pooling: "avg",
    seed: o.seed,
  });
  const scratch = await runScratch(scratchBackbone, scratchTrain, scratchTest, {
    ...settings,
    epochs: o.scratchEpochs,
  });
  log(`scratch: test AUC ${scratch.report.macroAuc?.toFixed(3)} [${elapsed()}]`);

  const overlays = [];
  if (o.gradCam > 0) {
    const dir = join(o.out, "grad-cam", route);
    overlays.push(...(await writeOverlays(fineTuned ?? transfer, testData, o.gradCam, dir)));
    overlays.push(...(await writeOverlays(scratch, scratchTest, o.gradCam, dir)));
    log(`grad-cam: ${overlays.length} overlays in ${dir} [${elapsed()}]`);
  }
  const lines = comparisonLines(route, trainSet.length, transfer, fineTuned, scratch);
  const metrics = {
    taskA: { ...backbone.provenance, pretraining },
    exploration,
    transfer: transferSummary,
    fineTuned: fineTuned ? summary(fineTuned) : null,
    scratch: summary(scratch),
    scratchSize: o.scratchSize,
    gradCam: overlays,
  };
  const datasets = new Set([trainData, testData, scratchTrain, scratchTest]);
  for (const data of datasets) data.data.dispose();
  transfer.model.dispose();
  scratch.model.dispose();
  log(`tensors still allocated: ${tf.memory().numTensors}`);
  return { lines, metrics };
}

function describe(backbone: Backbone): string {
  const p = backbone.provenance;
  return `${backbone.name}, cut at ${p.cutAt ?? "?"} + ${p.pooling ?? "no"} pooling → ${backbone.featureShape.join("×")} features; trained on: ${p.task ?? "?"}${p.examples ? ` (${p.examples.toLocaleString("en")} examples)` : ""}`;
}
