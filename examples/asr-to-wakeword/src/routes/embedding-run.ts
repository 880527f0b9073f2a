import { join } from "node:path";

import { speechEmbedding } from "@graft/audio";
import type { Json } from "@graft/core";

import { INDEPENDENT_CHECK, listRecordings } from "../corpus/recorded.js";
import { embeddingData, recordedStream } from "../embedding/data.js";
import { runEmbeddingLiveDemo } from "../embedding/live.js";
import { falseAccepts, measureEmbeddingRoute, trainEmbeddingRoute } from "../embedding/route.js";
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
    const route = await trainEmbeddingRoute(embedding, data, {
      epochs: options.embedding.epochs,
      negativeStride: 2,
      seed: options.seed,
      log,
    });
    try {
      log(`embedding: trained in ${route.seconds.toFixed(0)} s [${elapsed()}]`);
      const result = measureEmbeddingRoute(embedding, route.transfer.headModel, data, {
        targetFaPerHour: options.targetFaPerHour,
      });
      log(`embedding: smoothing ${result.smoothing} (× 80 ms) chosen on the calibration audio`);
      const english = await recordedStream(
        ctx,
        embedding,
        "independent-check",
        listRecordings(INDEPENDENT_CHECK),
      );
      const englishFalseAccepts = falseAccepts(
        embedding,
        route.transfer.headModel,
        english,
        result,
      );
      log(
        `embedding independent check: ${englishFalseAccepts} false accepts in ${(english.seconds / 60).toFixed(1)} min of ${INDEPENDENT_CHECK.apt} ` +
          `(real English speech, used for nothing else) at the calibrated threshold`,
      );
      await route.transfer.save(join(options.out, "models", "wake-embedding"), {
        threshold: result.threshold,
        metrics: JSON.parse(JSON.stringify(result)) as Json,
      });
      log(
        `embedding: calibrated and measured in ${result.scoringSeconds.toFixed(0)} s [${elapsed()}]`,
      );
      const detections = runEmbeddingLiveDemo(embedding, route.transfer.headModel, demo, {
        threshold: result.threshold,
        smoothing: result.smoothing,
      });
      log(liveLine(run, "embedding", detections));
      return {
        result,
        trainSeconds: route.seconds,
        hoursB: data.taskBSeconds / 3600,
        taskA: `${embedding.provenance.hours} h (${(embedding.provenance.examples ?? 0).toLocaleString("en")} clips, documented)`,
      };
    } finally {
      route.transfer.dispose();
    }
  } finally {
    embedding.dispose();
  }
}
