import { join } from "node:path";

import type { Json } from "@graft/core";

import type { RecordedFile } from "../corpus/recorded.js";
import { recordedSeconds } from "../corpus/recorded.js";
import { TRANSCRIPTS, WAKE_PHRASE } from "../corpus/vocabulary.js";
import {
  calibrationPositiveSegments,
  SEGMENT_SECONDS,
  streamData,
  taskAData,
  taskBData,
  testPositiveSegments,
} from "../datasets.js";
import type { EvaluationAudio } from "../evaluate.js";
import { measureWakeModel } from "../evaluate.js";
import { bandStats, CLIP_SIZE } from "../features.js";
import { runLiveDemo } from "../live-demo.js";
import { pretrain } from "../pretrain.js";
import { joinFeatures, recordedFeatures } from "../recorded-features.js";
import type { RouteReport } from "../report.js";
import type { WakeModel } from "../wakeword.js";
import { trainScratch, trainTransfer } from "../wakeword.js";
import type { RunContext } from "./run-context.js";
import { liveLine } from "./run-context.js";

/** What task A's own pre-training gave (for metrics.json). */
export interface TaskASummary {
  readonly clips: number;
  readonly hours: number;
  readonly accuracy: number;
}

const minutes = (files: readonly RecordedFile[]): string =>
  (recordedSeconds(files) / 60).toFixed(1);

/**
 * The two log-mel routes: own pre-training on 1.5 h of synthetic words (task
 * A, trained here) transferred to the wake phrase, and the same network from
 * random weights. Task A is built and trained only when "own-pretrain" runs.
 */
export async function runLogMelRoutes(
  run: RunContext,
  names: readonly ("own-pretrain" | "scratch")[],
): Promise<{ routes: Record<string, RouteReport>; taskA?: TaskASummary }> {
  const { ctx, options, recorded, demo, log, elapsed } = run;
  let own: { dir: string; stats: ReturnType<typeof bandStats>; summary: TaskASummary } | undefined;
  if (names.includes("own-pretrain")) {
    // ---- Task A: x = one second of speech, y = its transcript ----
    log(
      `task A: ${TRANSCRIPTS.length} transcripts × ${options.perTranscript} clips, espeak-ng → 16 kHz, level/room/noise augmentation …`,
    );
    const taskA = await taskAData(ctx);
    const hours = taskA.seconds / 3600;
    log(`task A: ${taskA.count} clips = ${hours.toFixed(2)} h of audio [${elapsed()}]`);
    const stats = bandStats(taskA.features);
    const pretrained = await pretrain(taskA, stats, {
      dir: join(options.out, "models", "task-a-words"),
      width: options.width,
      blocks: options.blocks,
      gru: options.gru,
      epochs: options.pretrainEpochs,
      learningRate: options.pretrainLearningRate,
      seed: options.seed,
      retrain: options.retrain,
      log,
    });
    log(
      `task A: held-out word accuracy ${pretrained.accuracy.toFixed(3)} over ${TRANSCRIPTS.length} transcripts (chance ${(1 / TRANSCRIPTS.length).toFixed(3)}) [${elapsed()}]`,
    );
    own = {
      dir: pretrained.dir,
      stats,
      summary: { clips: taskA.count, hours, accuracy: pretrained.accuracy },
    };
  }

  // ---- Task B: "hey graft" or not, little data ----
  log(
    `task B: "${WAKE_PHRASE}" by ${ctx.voices.wakeTrain.length} unseen voice variants, near misses, other words, noise …`,
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

  const measure = { smoothing: options.smoothing, targetFaPerHour: options.targetFaPerHour };
  const trainers: Record<string, () => Promise<WakeModel>> = {
    "own-pretrain": () => trainTransfer(own!.dir, taskB, own!.stats, { ...options, log }),
    scratch: () =>
      trainScratch(taskB, statsB, options, {
        seed: options.seed,
        epochs: options.scratchEpochs,
        randomDir: join(options.out, "models", "random-words"),
        log,
      }),
  };
  const routes: Record<string, RouteReport> = {};
  for (const name of names) {
    const model = await trainers[name]!();
    try {
      log(`${name}: trained in ${model.seconds.toFixed(0)} s [${elapsed()}]`);
      const result = await measureWakeModel(model, audio, measure);
      routes[name] = {
        result,
        trainSeconds: model.seconds,
        hoursB,
        taskA:
          name === "scratch" || !own
            ? "none (random weights)"
            : `${own.summary.hours.toFixed(2)} h (${own.summary.clips} espeak-ng clips, word accuracy ${own.summary.accuracy.toFixed(3)})`,
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
      log(liveLine(run, name, detections));
    } finally {
      model.transfer.dispose();
    }
  }
  return { routes, ...(own ? { taskA: own.summary } : {}) };
}
