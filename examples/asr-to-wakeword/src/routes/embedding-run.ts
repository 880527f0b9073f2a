import { join } from "node:path";

import type { SpeechEmbedding } from "@graft/audio";
import { speechEmbedding } from "@graft/audio";
import type * as tf from "@tensorflow/tfjs";
import type { Json, TransferModel } from "@graft/core";

import { INDEPENDENT_CHECK, listRecordings } from "../corpus/recorded.js";
import type { EmbeddingData } from "../embedding/data.js";
import { embeddingData, recordedStream } from "../embedding/data.js";
import { averagedHeads } from "../embedding/ensemble.js";
import { runEmbeddingLiveDemo } from "../embedding/live.js";
import {
  calibrateSmoothing,
  falseAccepts,
  measureEmbeddingRoute,
  trainEmbeddingRoute,
} from "../embedding/route.js";
import type { RouteReport } from "../report.js";
import type { RunContext } from "./run-context.js";
import { liveLine } from "./run-context.js";

/**
 * The default route: openWakeWord's speech embedding (pre-trained on a large
 * speech corpus) frozen, a new head trained on its cached embeddings; then
 * calibrated, measured, checked on English prompts it never heard, saved and
 * run live on the demo recording.
 */
export async function runEmbeddingRoute(run: RunContext): Promise<RouteReport> {
  const { ctx, options, recorded, demo, log, elapsed } = run;
  const embedding = await speechEmbedding();
  try {
    log(
      `embedding: task A ${embedding.provenance.task} (${embedding.provenance.hours} h); ${embedding.provenance.source}`,
    );
    const data = await embeddingData(ctx, embedding, options.embedding, recorded);
    log(
      `embedding: task B data embedded: ${(data.taskBSeconds / 3600).toFixed(2)} h [${elapsed()}]`,
    );
    const members = await trainMembers(run, embedding, data);
    try {
      const seconds = members.reduce((sum, m) => sum + m.seconds, 0);
      const head =
        options.embedding.pick === "calibration"
          ? pickOnCalibration(members, log)
          : averagedHeads(members.map((m) => m.transfer.headModel));
      log(`embedding: trained in ${seconds.toFixed(0)} s [${elapsed()}]`);
      const result = measureEmbeddingRoute(embedding, head, data, {
        targetFaPerHour: options.targetFaPerHour,
      });
      log(
        `embedding: smoothing ${result.smoothing} (× 80 ms) chosen on the calibration audio; calibration FRR ${pct(result.calibrationFrr)} at ≤ ${options.targetFaPerHour} FA/h (${pct(result.calibrationFrrWithNearMisses)} with its near misses counted)`,
      );
      const english = await recordedStream(
        ctx,
        embedding,
        "independent-check",
        listRecordings(INDEPENDENT_CHECK),
      );
      const englishFalseAccepts = falseAccepts(embedding, head, english, result);
      log(
        `embedding independent check: ${englishFalseAccepts} false accepts in ${(english.seconds / 60).toFixed(1)} min of ${INDEPENDENT_CHECK.apt} ` +
          `(real English speech, used for nothing else) at the calibrated threshold`,
      );
      for (const [i, member] of members.entries())
        await member.transfer.save(
          join(
            options.out,
            "models",
            members.length === 1 ? "wake-embedding" : `wake-embedding-${i + 1}`,
          ),
          {
            threshold: result.threshold,
            metrics: JSON.parse(JSON.stringify(result)) as Json,
          },
        );
      log(
        `embedding: calibrated and measured in ${result.scoringSeconds.toFixed(0)} s [${elapsed()}]`,
      );
      const detections = runEmbeddingLiveDemo(embedding, head, demo, {
        threshold: result.threshold,
        smoothing: result.smoothing,
      });
      log(liveLine(run, "embedding", detections));
      return {
        result,
        trainSeconds: seconds,
        hoursB: data.taskBSeconds / 3600,
        taskA: `${embedding.provenance.hours} h (${(embedding.provenance.examples ?? 0).toLocaleString("en")} clips, documented)`,
      };
    } finally {
      disposeMembers(members);
    }
  } finally {
    embedding.dispose();
  }
}

/** One of the route's heads and how it did on the calibration audio alone. */
interface Member {
  readonly transfer: TransferModel;
  readonly seconds: number;
  readonly calibrationFrr: number;
  readonly calibrationFrrWithNearMisses: number;
}

/** The member with the lowest calibration FRR (then with near misses counted, then the first). */
function pickOnCalibration(
  members: readonly Member[],
  log: (line: string) => void,
): tf.LayersModel {
  let best = 0;
  members.forEach((m, i) => {
    const b = members[best] as Member;
    if (
      m.calibrationFrr < b.calibrationFrr ||
      (m.calibrationFrr === b.calibrationFrr &&
        m.calibrationFrrWithNearMisses < b.calibrationFrrWithNearMisses)
    )
      best = i;
  });
  if (members.length > 1) log(`embedding: head ${best + 1} chosen on the calibration audio`);
  return (members[best] as Member).transfer.headModel;
}

/**
 * The route's heads: `options.embedding.heads` of them, the same layers and
 * data, seeds `seed`, `seed + 1`, …; each one's calibration FRR is logged (the
 * test audio is not looked at). One head is the route as it was.
 */
async function trainMembers(
  run: RunContext,
  embedding: SpeechEmbedding,
  data: EmbeddingData,
): Promise<Member[]> {
  const { options, log } = run;
  const count = options.embedding.heads;
  const members: Member[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const seed = options.seed + i;
      const route = await trainEmbeddingRoute(embedding, data, {
        epochs: options.embedding.epochs,
        negativeStride: 2,
        seed,
        log: i === 0 ? log : () => {},
      });
      if (count === 1) {
        members.push({ ...route, calibrationFrr: 0, calibrationFrrWithNearMisses: 0 });
        break;
      }
      const calibration = calibrateSmoothing(embedding, route.transfer.headModel, data, {
        targetFaPerHour: options.targetFaPerHour,
      });
      members.push({ ...route, ...calibration });
      log(
        `embedding: head ${i + 1} of ${count} (seed ${seed}) trained in ${route.seconds.toFixed(0)} s; calibration FRR ${pct(calibration.calibrationFrr)} at ≤ ${options.targetFaPerHour} FA/h (${pct(calibration.calibrationFrrWithNearMisses)} with its near misses counted; smoothing ${calibration.smoothing})`,
      );
    }
  } catch (error) {
    disposeMembers(members);
    throw error;
  }
  return members;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/**
 * Frees every member's head. The members share the speech embedding's
 * layers, which a transfer model's dispose() frees too; so one member is
 * disposed whole and the others only release their heads' layers.
 */
function disposeMembers(members: readonly { transfer: TransferModel }[]): void {
  for (const [i, { transfer }] of members.entries()) {
    if (i === 0) continue;
    for (const layer of transfer.headModel.layers) {
      // A head layer is counted once per model it is in (the whole model and the head model).
      for (let left = 1; left > 0;) {
        try {
          left = layer.dispose().refCountAfterDispose;
        } catch {
          break; // an input layer, or already freed
        }
      }
    }
  }
  members[0]?.transfer.dispose();
}
