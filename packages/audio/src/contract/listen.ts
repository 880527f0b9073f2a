import type { ListenOptions, Predictor } from "@graft/core";

import { loadAudio } from "../decode/load-audio.js";
import type { AudioPreprocessor } from "../features/audio-preprocessor.js";
import { StreamingDetector } from "../stream/streaming-detector.js";

/**
 * Streams a recording through a wake-word model chunk by chunk, as a live
 * detector would, calling `onDetection` as each one fires.
 */
export async function listenToFile(
  predictor: Predictor,
  file: string,
  { threshold, chunkSeconds, signal, onDetection, ...settings }: ListenOptions,
): Promise<{ seconds: number; sampleRate: number }> {
  const preprocessor = predictor.preprocessor as AudioPreprocessor;
  const { sampleRate, clipSeconds } = preprocessor.featureConfig;
  const samples = await loadAudio(file, sampleRate);
  const detector = new StreamingDetector(
    { model: predictor.model, preprocessor },
    { sampleRate, threshold, windowSeconds: clipSeconds, ...settings },
  );
  const chunk = Math.max(1, Math.round(chunkSeconds * sampleRate));
  for (let start = 0; start < samples.length; start += chunk) {
    if (signal?.aborted) break;
    for (const d of await detector.push(samples.slice(start, start + chunk))) onDetection(d);
  }
  return { seconds: samples.length / sampleRate, sampleRate };
}
