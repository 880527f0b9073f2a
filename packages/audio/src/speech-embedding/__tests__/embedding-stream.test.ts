import { describe, expect, it } from "vitest";

import { noise } from "../../__tests__/fixtures.js";
import { embedRecording } from "../embedding-cache.js";
import { EmbeddingStream, type EmbeddingExtractor } from "../embedding-stream.js";
import { loadMelFrontEnd, type MelFrontEnd } from "../mel-front-end.js";

// A stand-in network with the real one's window and hop: each "embedding" is
// a fixed weighted sum over its 76 frames, so any misaligned or re-floored frame shows.
function sumExtractor(mel: MelFrontEnd): EmbeddingExtractor & { calls: number[] } {
  const calls: number[] = [];
  return {
    mel,
    windowFrames: 76,
    hopFrames: 8,
    dims: 2,
    block: 8,
    calls,
    embedMel(values, frames) {
      calls.push(frames);
      const windows = Math.floor((frames - 76) / 8) + 1;
      const out = new Float32Array(windows * 2);
      for (let w = 0; w < windows; w++) {
        let byFrame = 0;
        let byBand = 0;
        for (let f = 0; f < 76; f++) {
          for (let b = 0; b < 32; b++) {
            const v = values[(w * 8 + f) * 32 + b]!;
            byFrame += v * (f + 1);
            byBand += v * (b + 1);
          }
        }
        out[w * 2] = byFrame;
        out[w * 2 + 1] = byBand;
      }
      return out;
    },
  };
}

describe("EmbeddingStream", () => {
  it("should give the same embeddings whatever the push sizes", async () => {
    const mel = await loadMelFrontEnd();
    const samples = noise(16000 * 3 + 777, 5, 0.2);
    for (let i = 16000; i < 32000; i++) samples[i]! *= 0.01; // a quiet second, where the per-block floor matters
    const batch = embedRecording(sumExtractor(mel), samples);
    expect(batch.count).toBe(EmbeddingStream.count(sumExtractor(mel), samples.length));
    expect(batch.count).toBe(Math.floor((Math.floor(mel.frameCount(samples.length) / 8) * 8 - 76) / 8) + 1);

    const live = sumExtractor(mel);
    const stream = new EmbeddingStream(live);
    const parts: number[] = [];
    let seed = 3;
    for (let start = 0; start < samples.length; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const size = 1 + (seed % 3000);
      for (const v of stream.push(samples.subarray(start, start + size))) parts.push(v);
      start += size;
    }
    for (const v of stream.flush()) parts.push(v);
    expect(parts.length).toBe(batch.embeddings.length);
    for (let i = 0; i < parts.length; i++) expect(parts[i]).toBeCloseTo(batch.embeddings[i]!, 3);
    // Live pushes run the network as soon as one window is complete.
    expect(Math.max(...live.calls)).toBeLessThanOrEqual(76 + 8 * 2);
  });

  it("should match the features of a whole clip, window by window", async () => {
    const mel = await loadMelFrontEnd();
    const samples = noise(16000 * 2, 9, 0.3);
    const extractor = sumExtractor(mel);
    const features = mel.features(samples, { block: 8 });
    const whole = extractor.embedMel(features, Math.floor(features.length / 32 / 8) * 8);
    const streamed = embedRecording(extractor, samples).embeddings;
    expect(Array.from(streamed)).toEqual(Array.from(whole));
  });
});
