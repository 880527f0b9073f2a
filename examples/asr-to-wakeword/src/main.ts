import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { loadEngine } from "@graft/core";
import type { Json } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { checkEspeak } from "./corpus/espeak.js";
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
import type { EvaluationAudio, WakeResult } from "./evaluate.js";
import { measureWakeModel } from "./evaluate.js";
import { bandStats, CLIP_SIZE } from "./features.js";
import { runLiveDemo } from "./live-demo.js";
import { parseDemoOptions } from "./options.js";
import { pretrain } from "./pretrain.js";
import { resultLines } from "./report.js";
import type { WakeModel } from "./wakeword.js";
import { trainScratch, trainTransfer } from "./wakeword.js";

const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string): void => console.log(line);

const options = parseDemoOptions(process.argv.slice(2));
const engine = await loadEngine();
log(engine.description);
log(`speech synthesis: ${await checkEspeak()}`);
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
const hoursB = (taskB.seconds + calibrationStream.seconds) / 3600;
log(
  `task B: ${taskB.count} clips (${taskB.positives} wake phrase) = ${(taskB.seconds / 3600).toFixed(2)} h, ` +
    `+ ${options.calibrationMinutes} min negative stream for calibration = ${hoursB.toFixed(2)} h [${elapsed()}]`,
);
const trainFeatures = new Float32Array(taskB.train.length * CLIP_SIZE);
taskB.train.forEach((clip, i) =>
  trainFeatures.set(
    taskB.features.subarray(clip * CLIP_SIZE, (clip + 1) * CLIP_SIZE),
    i * CLIP_SIZE,
  ),
);
const statsB = bandStats(trainFeatures, 1);

log("held out: test positives by unseen voices, and the long negative stream …");
const audio: EvaluationAudio = {
  calibrationPositives: await calibrationPositiveSegments(ctx, taskB.validationPositives),
  calibrationStream,
  testPositives: await testPositiveSegments(ctx),
  testStream: await streamData(ctx, "test-stream", options.testMinutes),
};
log(
  `held out: ${audio.testPositives.seconds / SEGMENT_SECONDS} wake-phrase segments (${SEGMENT_SECONDS} s each), ${options.testMinutes} min negative stream [${elapsed()}]`,
);

const demo = await demoData(ctx);

const measure = { smoothing: options.smoothing, targetFaPerHour: options.targetFaPerHour };
const results: Record<string, { result: WakeResult; trainSeconds: number }> = {};
const runs: [string, () => Promise<WakeModel>][] = [
  ["transfer", () => trainTransfer(pretrained.dir, taskB, statsA, { ...options, log })],
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
for (const [name, train] of runs.filter(
  ([name]) => options.only === "both" || options.only === name,
)) {
  const model = await train();
  log(`${name}: trained in ${model.seconds.toFixed(0)} s [${elapsed()}]`);
  const result = await measureWakeModel(model, audio, measure);
  results[name] = { result, trainSeconds: model.seconds };
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
  log(
    `${name}: live StreamingDetector over a ${(demo.samples.length / 16000).toFixed(0)} s recording (wake phrase at ${demo.planted.map((t) => `${t.toFixed(1)} s`).join(", ")}): ` +
      (detections.length === 0
        ? "no detections"
        : `detections at ${detections.map((d) => `${d.time.toFixed(1)} s (${d.score.toFixed(2)})`).join(", ")}`),
  );
  model.transfer.dispose();
}

log("");
const lines = resultLines({
  hoursA,
  clipsA: taskA.count,
  hoursB,
  clipsB: taskB.count,
  accuracyA: pretrained.accuracy,
  results,
  options,
});
for (const line of lines) log(line);
await writeFile(
  join(options.out, "metrics.json"),
  `${JSON.stringify({ engine: engine.name, options, taskA: { clips: taskA.count, hours: hoursA, accuracy: pretrained.accuracy }, taskB: { clips: taskB.count, hours: hoursB }, results, seconds: (performance.now() - started) / 1000 }, null, 2)}\n`,
);
log(`tensors still allocated: ${tf.memory().numTensors}; total ${elapsed()}`);
