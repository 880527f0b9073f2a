import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { checkEspeak } from "./corpus/espeak.js";
import { checkFlite } from "./corpus/flite.js";
import type { RecordedFile } from "./corpus/recorded.js";
import {
  INDEPENDENT_CHECK,
  listRecordings,
  RECORDED_SOURCES,
  recordedSeconds,
  splitRecordings,
} from "./corpus/recorded.js";
import { WAKE_PHRASE } from "./corpus/vocabulary.js";
import { ACCENTS, installedVariants, splitVariants } from "./corpus/voices.js";
import type { DataContext } from "./datasets.js";
import { demoData, prefetchLogMelSpeech } from "./datasets.js";
import { detCurveSvg } from "./det-plot.js";
import { parseDemoOptions } from "./options.js";
import type { RouteReport } from "./report.js";
import { resultLines } from "./report.js";
import { runEmbeddingRoute } from "./routes/embedding-run.js";
import { runLogMelRoutes } from "./routes/log-mel-run.js";
import type { RunContext } from "./routes/run-context.js";

const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string): void => console.log(line);

const options = parseDemoOptions(process.argv.slice(2));
const engine = await loadEngine();
log(engine.description);
log(`speech synthesis: ${await checkEspeak()}; ${await checkFlite()}`);
await mkdir(options.out, { recursive: true });

const voices = splitVariants(installedVariants(), options.seed);
log(
  `voices: ${ACCENTS.length} English accents × ${voices.pretrain.length + voices.wakeTrain.length + voices.wakeTest.length} variants; ` +
    `${voices.pretrain.length} variants for task A, ${voices.wakeTrain.length} for task B's wake phrase, ${voices.wakeTest.length} only for the test positives`,
);
const ctx: DataContext = {
  sizes: options,
  voices,
  seed: options.seed,
  corpusDir: join(options.out, "corpus"),
  cacheDir: join(options.out, "cache"),
  log,
};

const recordedFiles = RECORDED_SOURCES.flatMap(listRecordings);
const recorded = splitRecordings(recordedFiles, options.recorded, options.seed);
const minutes = (files: readonly RecordedFile[]): string =>
  (recordedSeconds(files) / 60).toFixed(1);
log(
  `recorded (Debian: ${RECORDED_SOURCES.map((s) => s.apt).join(", ")}): ${minutes(recordedFiles)} min split by file: ` +
    `train ${minutes(recorded.train)}, calibration ${minutes(recorded.calibration)}, test ${minutes(recorded.test)} min ` +
    `(${INDEPENDENT_CHECK.apt} kept out)`,
);

const demo = await demoData(ctx);
const run: RunContext = { ctx, options, recorded, demo, log, elapsed };
const wanted = (name: string): boolean => options.only === "all" || options.only === name;
const logMel = (["own-pretrain", "scratch"] as const).filter(wanted);
// The embedding route computes on the main thread: meanwhile one core synthesises what the log-mel routes will need.
const prefetch =
  wanted("embedding") && logMel.length > 0
    ? prefetchLogMelSpeech(ctx, logMel.includes("own-pretrain")).then(({ synthesised, seconds }) => {
        if (synthesised > 0)
          log(
            `  background: ${synthesised} utterances for the log-mel routes synthesised in ${seconds.toFixed(0)} s [${elapsed()}]`,
          );
      })
    : undefined;
const routes: Record<string, RouteReport> = {};
if (wanted("embedding")) routes["embedding"] = await runEmbeddingRoute(run);
const { routes: logMelRoutes, taskA } =
  logMel.length > 0 ? await runLogMelRoutes(run, logMel) : { routes: {}, taskA: undefined };
Object.assign(routes, logMelRoutes);
await prefetch;

log("");
for (const line of resultLines(routes, options)) log(line);
const detFile = join(options.out, "det-curve.svg");
await writeFile(
  detFile,
  detCurveSvg(
    Object.entries(routes).map(([name, r]) => ({ name, points: r.result.curve })),
    `"${WAKE_PHRASE}": test DET curves (${(Object.values(routes)[0]?.result.testHours ?? 0).toFixed(2)} h of everyday held-out negatives, near misses apart)`,
  ),
);
await writeFile(
  join(options.out, "metrics.json"),
  `${JSON.stringify(
    {
      engine: engine.name,
      options,
      taskA: taskA ?? null,
      routes: Object.fromEntries(
        Object.entries(routes).map(([name, r]) => [
          name,
          { ...r, result: { ...r.result, curve: undefined } },
        ]),
      ),
      seconds: (performance.now() - started) / 1000,
    },
    null,
    2,
  )}\n`,
);
log(`DET curves: ${detFile}; metrics: ${join(options.out, "metrics.json")}`);
log(`tensors still allocated: ${tf.memory().numTensors}; total ${elapsed()}`);
