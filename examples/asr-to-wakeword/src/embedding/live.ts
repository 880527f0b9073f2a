import type { Detection, SpeechEmbedding } from "@graft/audio";
import { detectionsFromScores, EmbeddingWakeWordStream } from "@graft/audio";
import type * as tf from "@tensorflow/tfjs";

import type { DemoRecording } from "../live-demo.js";

/**
 * The live demo for the speech-embedding route: the recording in 250 ms
 * chunks through an `EmbeddingWakeWordStream` (each embedding computed once,
 * layer by layer on new frames), then the detector's smoothing, threshold and
 * refractory period over its scores.
 */
export function runEmbeddingLiveDemo(
  embedding: SpeechEmbedding,
  head: tf.LayersModel,
  recording: DemoRecording,
  options: { threshold: number; smoothing: number },
): Detection[] {
  const stream = new EmbeddingWakeWordStream(embedding, head);
  const scores: number[] = [];
  const chunk = 16_000 / 4;
  try {
    for (let at = 0; at < recording.samples.length; at += chunk)
      scores.push(...stream.push(recording.samples.subarray(at, at + chunk)));
    scores.push(...stream.flush());
  } finally {
    stream.dispose();
  }
  return detectionsFromScores(scores, {
    threshold: options.threshold,
    smoothing: options.smoothing,
    refractorySeconds: 1,
    windowSeconds: embedding.clipSamples / 16_000,
    hopSeconds: (embedding.hopFrames * embedding.mel.hopSize) / 16_000,
  });
}
