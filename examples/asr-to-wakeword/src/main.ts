import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { loadEngine } from "@graft/core";
import type { Detection } from "@graft/audio";
import { speechEmbedding } from "@graft/audio";
import type { Json } from "@graft/core";
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
import { TRANSCRIPTS, WAKE_PHRASE } from "./corpus/vocabulary.js";
import { ACCENTS, installedVariants, splitVariants } from "./corpus/voices.js";
import type { DataContext } from "./datasets.js";
import {
  calibrationPositiveSegments,
  demoData,
  SEGMENT_SECONDS,
  streamData,
  taskAData,
  taskBData,
  testPositiveSegments,
} from "./datasets.js";
import { detCurveSvg } from "./det-plot.js";
import { embeddingData, recordedStream } from "./embedding/data.js";
import { runEmbeddingLiveDemo } from "./embedding/live.js";
import { falseAccepts, measureEmbeddingRoute, trainEmbeddingRoute } from "./embedding/route.js";
import type { EvaluationAudio } from "./evaluate.js";
import { measureWakeModel } from "./evaluate.js";
import { bandStats, CLIP_SIZE } from "./features.js";
import { runLiveDemo } from "./live-demo.js";
import { parseDemoOptions } from "./options.js";
import { pretrain } from "./pretrain.js";
import { joinFeatures, recordedFeatures } from "./recorded-features.js";
import type { RouteReport } from "./report.js";
import { resultLines } from "./report.js";
import type { WakeModel } from "./wakeword.js";
import { trainScratch, trainTransfer } from "./wakeword.js";

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

// ---- Task A: x = one second of speech, y = its transcript ----
log(
  `task A: ${TRANSCRIPTS.length} transcripts × ${options.perTranscript} clips, espeak-ng → 16 kHz, level/room/noise augmentation …`,
);
const taskA = await taskAData(ctx);
const hoursA = taskA.seconds / 3600;
log(`task A: ${taskA.count} clips = ${hoursA.toFixed(2)} h of audio [${elapsed()}]`);
const statsA = bandStats(taskA.features);
const pretrained = await pretrain(taskA, statsA, {
  dir: join(options.out, "models", "task-a-words"),
  width: options.width,
  blocks: options.blocks,
  gru: options.gru,
  epochs: options.pretrainEpochs,
  seed: options.seed,
  retrain: options.retrain,
  log,
});
log(
  `task A: held-out word accuracy ${pretrained.accuracy.toFixed(3)} over ${TRANSCRIPTS.length} transcripts (chance ${(1 / TRANSCRIPTS.length).toFixed(3)}) [${elapsed()}]`,
);

// ---- Task B: "hey graft" or not, little data ----
log(
  `task B: "${WAKE_PHRASE}" by ${voices.wakeTrain.length} unseen voice variants, near misses, other words, noise …`,
);
const taskB = await taskBData(ctx);
const calibrationStream = await streamData(ctx, "calibration-stream", options.calibrationMinutes);
log(
  `task B (log-mel routes): ${taskB.count} clips (${taskB.positives} wake phrase) = ${(taskB.seconds / 3600).toFixed(2)} h, ` +
    `+ ${options.calibrationMinutes} min negative stream for calibration [${elapsed()}]`,
);
const trainFeatures = new Float32Array(taskB.train.length * CLIP_SIZE);
taskB.train.forEach((clip, i) =>
  trainFeatures.set(
    taskB.features.subarray(clip * CLIP_SIZE, (clip + 1) * CLIP_SIZE),
    i * CLIP_SIZE,
  ),
);
const statsB = bandStats(trainFeatures, 1);

const recordedFiles = RECORDED_SOURCES.flatMap(listRecordings);
const recorded = splitRecordings(recordedFiles, options.recorded, options.seed);
const minutes = (files: readonly RecordedFile[]): string =>
  (recordedSeconds(files) / 60).toFixed(1);
log(
  `recorded (Debian: ${RECORDED_SOURCES.map((s) => s.apt).join(", ")}): ${minutes(recordedFiles)} min split by file: ` +
    `train ${minutes(recorded.train)}, calibration ${minutes(recorded.calibration)}, test ${minutes(recorded.test)} min ` +
    `(${INDEPENDENT_CHECK.apt} kept out)`,
);

log("held out: test positives by unseen voices, and the long negative stream …");
const recordedCalibration = await recordedFeatures(
  ctx,
  "recorded-calibration",
  recorded.calibration,
);
const audio: EvaluationAudio = {
  calibrationPositives: await calibrationPositiveSegments(ctx, taskB.validationPositives),
  calibrationStream: joinFeatures(calibrationStream, recordedCalibration),
  testPositives: await testPositiveSegments(ctx),
  testStream: joinFeatures(
    await streamData(ctx, "test-stream", options.testMinutes),
    await recordedFeatures(ctx, "recorded-test", recorded.test),
  ),
};
const hoursB = (taskB.seconds + calibrationStream.seconds + recordedCalibration.seconds) / 3600;
log(
  `held out: ${audio.testPositives.seconds / SEGMENT_SECONDS} wake-phrase segments (${SEGMENT_SECONDS} s each), ` +
    `${(audio.testStream.seconds / 3600).toFixed(2)} h negative stream (${options.testMinutes} min synthetic + ${minutes(recorded.test)} min recorded) [${elapsed()}]`,
);

const demo = await demoData(ctx);
const measure = { smoothing: options.smoothing, targetFaPerHour: options.targetFaPerHour };
const routes: Record<string, RouteReport> = {};
const wanted = (name: string): boolean => options.only === "all" || options.only === name;
const liveLine = (name: string, detections: readonly Detection[]): string =>
  `${name}: live detector over a ${(demo.samples.length / 16000).toFixed(0)} s recording (wake phrase at ${demo.planted.map((t) => `${t.toFixed(1)} s`).join(", ")}): ` +
  (detections.length === 0
    ? "no detections"
    : `detections at ${detections.map((d) => `${d.time.toFixed(1)} s (${d.score.toFixed(2)})`).join(", ")}`);

if (wanted("embedding")) {
  const embedding = await speechEmbedding();
  log(
    `embedding: task A ${embedding.provenance.task} (${embedding.provenance.hours} h); ${embedding.provenance.source}`,
  );
  const data = await embeddingData(ctx, embedding, options.embedding, recorded);
  log(`embedding: task B data embedded: ${(data.taskBSeconds / 3600).toFixed(2)} h [${elapsed()}]`);
  const route = await trainEmbeddingRoute(embedding, data, {
    epochs: options.embedding.epochs,
    negativeStride: 2,
    seed: options.seed,
    log,
  });
  log(`embedding: trained in ${route.seconds.toFixed(0)} s [${elapsed()}]`);
  const result = measureEmbeddingRoute(embedding, route.transfer.headModel, data, measure);
  log(`embedding: smoothing ${result.smoothing} (× 80 ms) chosen on the calibration audio`);
  const english = await recordedStream(
    ctx,
    embedding,
    "independent-check",
    listRecordings(INDEPENDENT_CHECK),
  );
  const englishFalseAccepts = falseAccepts(embedding, route.transfer.headModel, english, result);
  log(
    `embedding independent check: ${englishFalseAccepts} false accepts in ${(english.seconds / 60).toFixed(1)} min of ${INDEPENDENT_CHECK.apt} ` +
      `(real English speech, used for nothing else) at the calibrated threshold`,
  );
  routes["embedding"] = {
    result,
    trainSeconds: route.seconds,
    hoursB: data.taskBSeconds / 3600,
    taskA: `${embedding.provenance.hours} h (${(embedding.provenance.examples ?? 0).toLocaleString("en")} clips, documented)`,
  };
  await route.transfer.save(join(options.out, "models", "wake-embedding"), {
    threshold: result.threshold,
    metrics: JSON.parse(JSON.stringify(result)) as Json,
  });
  log(`embedding: calibrated and measured in ${result.scoringSeconds.toFixed(0)} s [${elapsed()}]`);
  log(
    liveLine(
      "embedding",
      runEmbeddingLiveDemo(embedding, route.transfer.headModel, demo, {
        threshold: result.threshold,
        smoothing: result.smoothing,
      }),
    ),
  );
  route.transfer.dispose();
  embedding.dispose();
}

const logMelRoutes: [string, () => Promise<WakeModel>][] = [
  ["own-pretrain", () => trainTransfer(pretrained.dir, taskB, statsA, { ...options, log })],
  [
    "scratch",
    () =>
      trainScratch(taskB, statsB, options, {
        seed: options.seed,
        epochs: options.scratchEpochs,
        randomDir: join(options.out, "models", "random-words"),
        log,
      }),
  ],
];
for (const [name, train] of logMelRoutes.filter(([name]) => wanted(name))) {
  const model = await train();
  log(`${name}: trained in ${model.seconds.toFixed(0)} s [${elapsed()}]`);
  const result = await measureWakeModel(model, audio, measure);
  routes[name] = {
    result,
    trainSeconds: model.seconds,
    hoursB,
    taskA:
      name === "scratch"
        ? "none (random weights)"
        : `${hoursA.toFixed(2)} h (${taskA.count} espeak-ng clips, word accuracy ${pretrained.accuracy.toFixed(3)})`,
  };
  await model.transfer.save(join(options.out, "models", `wake-${name}`), {
    threshold: result.threshold,
    metrics: JSON.parse(JSON.stringify(result)) as Json,
  });
  log(
    `${name}: threshold ${result.threshold.toFixed(3)} calibrated, test audio scored in ${result.scoringSeconds.toFixed(0)} s [${elapsed()}]`,
  );
  const detections = await runLiveDemo(model, demo, {
    threshold: result.threshold,
    smoothing: options.smoothing,
  });
  log(liveLine(name, detections));
  model.transfer.dispose();
}

log("");
for (const line of resultLines(routes, options)) log(line);
const detFile = join(options.out, "det-curve.svg");
await writeFile(
  detFile,
  detCurveSvg(
    Object.entries(routes).map(([name, r]) => ({ name, points: r.result.curve })),
    `"${WAKE_PHRASE}": test DET curves (${(audio.testStream.seconds / 3600).toFixed(2)} h of held-out negatives)`,
  ),
);
await writeFile(
  join(options.out, "metrics.json"),
  `${JSON.stringify(
    {
      engine: engine.name,
      options,
      taskA: { clips: taskA.count, hours: hoursA, accuracy: pretrained.accuracy },
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
