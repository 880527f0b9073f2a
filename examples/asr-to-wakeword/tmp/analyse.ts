// Dev analysis (not committed): train the embedding head with a variant, print calibration and test numbers per seed.
import { join } from "node:path";
import { speechEmbedding } from "@graft/audio";
import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { listRecordings, RECORDED_SOURCES, splitRecordings } from "../src/corpus/recorded.js";
import { installedVariants, splitVariants } from "../src/corpus/voices.js";
import type { DataContext } from "../src/datasets.js";
import { embeddingData } from "../src/embedding/data.js";
import { averagedHeads } from "../src/embedding/ensemble.js";
import { measureEmbeddingRoute, trainEmbeddingRoute } from "../src/embedding/route.js";
import { parseDemoOptions } from "../src/options.js";

const variant = JSON.parse(process.env.VARIANT ?? "{}") as Record<string, unknown>;
const seeds = (process.env.SEEDS ?? "1").split(",").map(Number);
const options = parseDemoOptions(["--out", process.env.OUT ?? "out", ...(process.env.ARGS ?? "").split(" ").filter(Boolean)]);
await loadEngine();
const voices = splitVariants(installedVariants(), options.seed);
const ctx: DataContext = { sizes: options, voices, seed: options.seed, corpusDir: join(options.out, "corpus"), cacheDir: join(options.out, "cache"), log: () => {} };
const recorded = splitRecordings(RECORDED_SOURCES.flatMap(listRecordings), options.recorded, options.seed);
const embedding = await speechEmbedding();
const data = await embeddingData(ctx, embedding, options.embedding, recorded);
const heads = [];
const pct = (x: number): string => (100 * x).toFixed(1);
for (const seed of seeds) {
  const route = await trainEmbeddingRoute(embedding, data, { epochs: 60, negativeStride: 2, seed, log: () => {}, ...(variant as object) });
  heads.push(route.transfer);
  const r = measureEmbeddingRoute(embedding, route.transfer.headModel, data, { targetFaPerHour: 0.5 });
  console.log(`seed ${seed}: ${route.seconds.toFixed(0)} s; cal FRR ${pct(r.calibrationFrr)} / nm ${pct(r.calibrationFrrWithNearMisses)}; test DET ${r.det.map((d) => pct(d.frr)).join(" / ")}; calibrated FRR ${pct(r.frr)} at ${r.faPerHour.toFixed(2)} FA/h; near misses ${r.nearMisses.accepted}/${r.nearMisses.total}; heard ${JSON.stringify(r.falseAcceptsHeard)}`);
}
if (heads.length > 1) {
  const head = averagedHeads(heads.map((t) => t.headModel));
  const r = measureEmbeddingRoute(embedding, head, data, { targetFaPerHour: 0.5 });
  console.log(`average of ${heads.length}: cal FRR ${pct(r.calibrationFrr)}; test DET ${r.det.map((d) => pct(d.frr)).join(" / ")}; calibrated FRR ${pct(r.frr)} at ${r.faPerHour.toFixed(2)} FA/h`);
}
console.log("variant", JSON.stringify(variant), "tensors", tf.memory().numTensors);
