import type { EmbeddingHeadOptions, SpeechEmbedding, StreamScores } from "@graft/audio";
import {
  audio,
  detectionsFromScores,
  embeddingWakeWordHead,
  evaluateWakeWord,
  peakSmoothed,
  scoreEmbeddings,
} from "@graft/audio";
import type { TransferModel } from "@graft/core";
import { createTransferModel, tensorDataset } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import type { RouteScores, WakeResult } from "../evaluate.js";
import { summariseScores } from "../evaluate.js";
import { everydayAudio } from "../near-misses.js";
import { WAKE_TASK } from "../wakeword.js";
import type { EmbeddedStream, EmbeddingData } from "./data.js";
import type { PhraseSegments } from "./segments.js";
import { BLOCK_SAMPLES, embeddingEnd, lastWindowEnd, SEGMENT_BLOCKS } from "./segments.js";

const RATE = 16_000;

/** How the speech-embedding route's head is trained. */
export interface EmbeddingTraining {
  readonly epochs: number;
  /** Every `negativeStride`-th window of the negative streams is a training negative (of the near-miss stream, every window). */
  readonly negativeStride: number;
  /** The new layers. @default dense, 64 units, dropout 0.5 */
  readonly head?: EmbeddingHeadOptions;
  /** @default 1e-3 */
  readonly learningRate?: number;
  readonly seed: number;
  readonly log: (line: string) => void;
}

/**
 * The new default route: Google's speech embedding (imported from ONNX,
 * frozen) with openWakeWord's kind of head, several new layers over 16
 * embeddings, trained on embeddings computed once. Positives are the windows
 * that end 0.02–0.5 s after a phrase and hold all of it; negatives are
 * windows of the synthetic and recorded negative streams.
 */
export async function trainEmbeddingRoute(
  embedding: SpeechEmbedding,
  data: EmbeddingData,
  options: EmbeddingTraining,
): Promise<{
  transfer: TransferModel;
  seconds: number;
  windows: { positives: number; negatives: number };
}> {
  const started = performance.now();
  if (embedding.hopFrames * embedding.mel.hopSize !== BLOCK_SAMPLES)
    throw new Error(
      `The speech embedding steps ${embedding.hopFrames * embedding.mel.hopSize} samples; the route expects ${BLOCK_SAMPLES}.`,
    );
  const windows = embedding.windows;
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for (const start of positiveWindows(embedding, data.positives)) {
    rows.push(
      data.positives.embeddings.subarray(
        start * embedding.dims,
        (start + windows) * embedding.dims,
      ),
    );
    labels.push(1);
  }
  const positives = labels.length;
  for (const stream of data.negatives) {
    const stride = stream === data.nearMisses ? 1 : options.negativeStride;
    for (let start = 0; start + windows <= stream.count; start += stride) {
      rows.push(
        stream.embeddings.subarray(start * embedding.dims, (start + windows) * embedding.dims),
      );
      labels.push(0);
    }
  }
  const x = new Float32Array(rows.length * windows * embedding.dims);
  rows.forEach((row, i) => x.set(row, i * windows * embedding.dims));
  const transfer = createTransferModel({
    backbone: embedding,
    task: WAKE_TASK,
    head: embeddingWakeWordHead(options.head ?? { kind: "dense", units: 64, dropout: 0.5 }),
    preprocessor: embedding.preprocessor,
    plugin: audio,
    seed: options.seed,
  });
  options.log(`embedding: ${transfer.describe()}`);
  options.log(
    `embedding: ${positives} positive and ${labels.length - positives} negative windows of ${windows} embeddings`,
  );
  const dataset = tensorDataset(tf.tensor3d(x, [labels.length, windows, embedding.dims]), labels);
  const fitStarted = performance.now();
  try {
    await transfer.fit(dataset, {
      inputs: "features",
      phases: [
        {
          name: "new layers",
          epochs: options.epochs,
          freeze: "frozen",
          learningRate: options.learningRate ?? 1e-3,
        },
      ],
      batchSize: 256,
      validation: 0.1,
      classWeights: "balanced",
      earlyStopping: { patience: 6 },
      seed: options.seed,
      onProgress: (e) => {
        if (e.type !== "epoch-end" || (e.epoch % 5 !== 0 && e.epoch !== e.epochs)) return;
        const m = e.metrics;
        options.log(
          `  embedding [${e.phaseName}, cached embeddings] epoch ${e.epoch}/${e.epochs}: loss ${m["loss"]?.toFixed(4)}, val_loss ${m["val_loss"]?.toFixed(4)}, val_accuracy ${m["val_accuracy"]?.toFixed(4)} (${((performance.now() - fitStarted) / 1000).toFixed(0)} s)`,
        );
      },
    });
  } finally {
    dataset.dispose();
  }
  return {
    transfer,
    seconds: (performance.now() - started) / 1000,
    windows: { positives, negatives: labels.length - positives },
  };
}

/** Smoothings (in 80 ms windows) the calibration audio chooses from. */
const SMOOTHINGS = [1, 3, 5] as const;

/**
 * Calibrates and measures the route's head on the embedded calibration and
 * test audio. The smoothing is chosen on the calibration audio alone (the
 * lowest calibration FRR at the target, ties to the shorter), then the
 * threshold for it; the test audio only measures.
 */
export function measureEmbeddingRoute(
  embedding: SpeechEmbedding,
  head: tf.LayersModel,
  data: EmbeddingData,
  measure: { targetFaPerHour: number },
): WakeResult & { smoothing: number; calibrationFrrWithNearMisses: number } {
  const started = performance.now();
  const { smoothing, calibrationStream, calibrationWindows, calibrationFrrWithNearMisses } =
    calibrateSmoothing(embedding, head, data, measure);
  const testWindows = segmentWindows(embedding, head, data.testPositives);
  const scores: RouteScores = {
    calibrationPositives: peaks(calibrationWindows, smoothing),
    calibrationStream,
    calibrationPlacements: data.calibrationStream.placements,
    testPositives: peaks(testWindows, smoothing),
    testStream: streamScores(embedding, head, data.testStream),
    testPlacements: data.testStream.placements,
  };
  const result = summariseScores(scores, { ...measure, smoothing }, 0);
  return {
    ...result,
    smoothing,
    calibrationFrrWithNearMisses,
    scoringSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * The smoothing chosen on the calibration audio alone (the lowest FRR on the
 * calibration positives at the threshold for the target on the calibration
 * stream's everyday audio, ties to the shorter) and that FRR: what a head is
 * judged by without the test audio.
 */
export function calibrateSmoothing(
  embedding: SpeechEmbedding,
  head: tf.LayersModel,
  data: EmbeddingData,
  measure: { targetFaPerHour: number },
): {
  smoothing: number;
  calibrationFrr: number;
  calibrationFrrWithNearMisses: number;
  calibrationStream: StreamScores;
  calibrationWindows: number[][];
} {
  const calibrationStream = streamScores(embedding, head, data.calibrationStream);
  const calibrationWindows = segmentWindows(embedding, head, data.calibrationPositives);
  // The same everyday audio the threshold is calibrated on (see summariseScores).
  const everydayCalibration = everydayAudio(calibrationStream, data.calibrationStream.placements);
  const calibrationFrr = (smoothing: number): number =>
    evaluateWakeWord({
      positiveScores: peaks(calibrationWindows, smoothing),
      negativeStream: everydayCalibration,
      detection: { smoothing, refractorySeconds: 1 },
      targetFaPerHour: measure.targetFaPerHour,
    }).calibration.frr;
  const frrs = SMOOTHINGS.map(calibrationFrr);
  const best = Math.min(...frrs);
  const smoothing = SMOOTHINGS[frrs.indexOf(best)] as number;
  return {
    smoothing,
    calibrationFrr: best,
    // Stricter and less often saturated: the calibration stream's near misses count as false accepts too.
    calibrationFrrWithNearMisses: evaluateWakeWord({
      positiveScores: peaks(calibrationWindows, smoothing),
      negativeStream: calibrationStream,
      detection: { smoothing, refractorySeconds: 1 },
      targetFaPerHour: measure.targetFaPerHour,
    }).calibration.frr,
    calibrationStream,
    calibrationWindows,
  };
}

function peaks(windows: readonly number[][], smoothing: number): number[] {
  return windows.map((w) => peakSmoothed(w, smoothing));
}

/** First embedding of every training window that holds a whole phrase and ends 0.02–0.5 s after it. */
function positiveWindows(embedding: SpeechEmbedding, segments: PhraseSegments): number[] {
  const starts: number[] = [];
  const last = lastWindowEnd(embedding);
  for (let s = 0; s < segments.segments; s++) {
    for (let end = embedding.windows - 1; end <= last; end++) {
      const first = end - embedding.windows + 1;
      const ends = embeddingEnd(embedding, end);
      const phraseEnd = segments.ends[s] as number;
      if (
        first * BLOCK_SAMPLES <= (segments.starts[s] as number) &&
        ends >= phraseEnd + 0.02 * RATE &&
        ends <= phraseEnd + 0.5 * RATE
      )
        starts.push(s * SEGMENT_BLOCKS + first);
    }
  }
  return starts;
}

/** Scores of the windows inside each positive segment, scored once; a segment's peak is what a live detector sees at its best. */
function segmentWindows(
  embedding: SpeechEmbedding,
  head: tf.LayersModel,
  segments: PhraseSegments,
): number[][] {
  const scores = scoreEmbeddings(head, segments.embeddings, embedding.dims, {
    windows: embedding.windows,
  });
  const inside = lastWindowEnd(embedding) - embedding.windows + 2;
  return Array.from({ length: segments.segments }, (_, s) =>
    Array.from(scores.subarray(s * SEGMENT_BLOCKS, s * SEGMENT_BLOCKS + inside)),
  );
}

/** False accepts on a stream the route never saw (the English prompts), at the calibrated threshold and smoothing. */
export function falseAccepts(
  embedding: SpeechEmbedding,
  head: tf.LayersModel,
  stream: EmbeddedStream,
  at: { threshold: number; smoothing: number },
): number {
  const scores = streamScores(embedding, head, stream);
  return detectionsFromScores(scores.scores, { ...scores, ...at, refractorySeconds: 1 }).length;
}

function streamScores(
  embedding: SpeechEmbedding,
  head: tf.LayersModel,
  stream: EmbeddedStream,
): StreamScores {
  return {
    scores: Array.from(
      scoreEmbeddings(head, stream.embeddings, embedding.dims, { windows: embedding.windows }),
    ),
    windowSeconds: embedding.clipSamples / RATE,
    hopSeconds: BLOCK_SAMPLES / RATE,
    hours: stream.seconds / 3600,
  };
}
