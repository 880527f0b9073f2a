import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { noise, tone } from "../../__tests__/fixtures.js";
import { audioPreprocessor } from "../../features/audio-preprocessor.js";
import { speechBackbone } from "../../backbones/speech-backbone.js";
import { wakeWordHead } from "../../heads/wake-word-head.js";
import { detectionsFromScores } from "../detection-tracker.js";
import { modelScoreFn } from "../score-fn.js";
import { detectStream, StreamingDetector } from "../streaming-detector.js";

const RATE = 16000;

/** Share of a window's energy at 1 kHz (Goertzel): ≈ 1 for a pure 1 kHz tone, ≈ 0 for noise. */
function toneScore(windows: readonly Float32Array[]): number[] {
  return windows.map((w) => {
    const k = (2 * Math.PI * 1000) / RATE;
    let re = 0;
    let im = 0;
    let energy = 0;
    for (let n = 0; n < w.length; n++) {
      const v = w[n] as number;
      re += v * Math.cos(k * n);
      im -= v * Math.sin(k * n);
      energy += v * v;
    }
    return energy === 0 ? 0 : Math.min(1, (2 * (re * re + im * im)) / (w.length * energy));
  });
}

/** Background noise with 1 kHz tone bursts planted at `onsets` (seconds), each `length` seconds long. */
function plantedStream(seconds: number, onsets: readonly number[], length = 0.5): Float32Array {
  const stream = noise(seconds * RATE, 42, 0.05);
  const burst = tone(1000, length, RATE, 0.5);
  for (const onset of onsets) {
    const at = Math.round(onset * RATE);
    for (let i = 0; i < burst.length; i++) stream[at + i] = (stream[at + i] as number) + (burst[i] as number);
  }
  return stream;
}

describe("detectStream", () => {
  it("should find planted positives at the right times", async () => {
    const onsets = [3, 7.5, 12];
    const detections = await detectStream(toneScore, plantedStream(15, onsets), { sampleRate: RATE, threshold: 0.3 });
    expect(detections).toHaveLength(3);
    detections.forEach((d, i) => {
      // Centre of the burst, within half a window.
      expect(Math.abs(d.time - ((onsets[i] as number) + 0.25))).toBeLessThan(0.5);
      expect(d.end).toBeGreaterThan(onsets[i] as number);
      expect(d.score).toBeGreaterThanOrEqual(0.3);
    });
  });

  it("should respect the refractory period on a long positive", async () => {
    const stream = plantedStream(10, [2], 4);
    const short = await detectStream(toneScore, stream, { sampleRate: RATE, threshold: 0.3, refractorySeconds: 1 });
    expect(short.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < short.length; i++) expect((short[i] as { end: number }).end - (short[i - 1] as { end: number }).end).toBeGreaterThanOrEqual(1 - 1e-9);
    const long = await detectStream(toneScore, stream, { sampleRate: RATE, threshold: 0.3, refractorySeconds: 10 });
    expect(long).toHaveLength(1);
  });

  it("should give the same detections streamed in uneven chunks", async () => {
    const stream = plantedStream(15, [1, 4.2, 9.9, 13]);
    const options = { sampleRate: RATE, threshold: 0.3, smoothing: 4, batchSize: 7 };
    const batch = await detectStream(toneScore, stream, options);
    const detector = new StreamingDetector(toneScore, options);
    const sizes = [1, 1234, 77, 16000, 5, 40000, 3333];
    const pending: Promise<unknown>[] = [];
    for (let at = 0, i = 0; at < stream.length; i++) {
      const size = sizes[i % sizes.length] as number;
      // Not awaited on purpose: pushes must still be processed in order.
      pending.push(detector.push(stream.subarray(at, at + size)));
      at += size;
    }
    await Promise.all(pending);
    expect(batch.length).toBe(4);
    expect(detector.detections).toEqual(batch);
    expect(detector.secondsSeen).toBe(15);
  });

  it("should not fire on background alone", async () => {
    expect(await detectStream(toneScore, noise(5 * RATE, 3, 0.3), { sampleRate: RATE, threshold: 0.3 })).toEqual([]);
  });
});

describe("detectionsFromScores", () => {
  it("should smooth, threshold and suppress by exact arithmetic", () => {
    const scores = [0, 0, 1, 1, 1, 1, 1, 1, 0, 0];
    const hop = { windowSeconds: 1, hopSeconds: 0.5 };
    const raw = detectionsFromScores(scores, { ...hop, smoothing: 1, threshold: 0.5, refractorySeconds: 1.5 });
    // Fires at window 2 (0.5 s hops), then no sooner than 1.5 s later: window 5.
    expect(raw.map((d) => d.end)).toEqual([2, 3.5]);
    expect(raw[0]?.time).toBe(1.5);
    const smoothed = detectionsFromScores(scores, { ...hop, smoothing: 2, threshold: 0.75, refractorySeconds: 100 });
    // Mean of windows 2 and 3 is the first ≥ 0.75; the audio they cover is 1 s – 2.5 s.
    expect(smoothed).toEqual([{ time: 1.75, end: 2.5, score: 1 }]);
  });
});

describe("modelScoreFn", () => {
  beforeAll(async () => {
    await loadEngine({ engine: "cpu" });
  });

  it("should score windows with a model and its preprocessor without leaking tensors", async () => {
    const preprocessor = audioPreprocessor({ bands: 16 });
    const backbone = speechBackbone({ inputSpec: preprocessor.spec, width: 4, blocks: 1 });
    const head = wakeWordHead({ units: [4] })({ featureShape: backbone.featureShape, task: { kind: "binary", labels: ["no", "yes"] }, takenNames: new Set() });
    const out = head.layers.reduce((x, l) => l.apply(x) as tf.SymbolicTensor, backbone.model.outputs[0] as tf.SymbolicTensor);
    const model = tf.model({ inputs: backbone.model.inputs, outputs: out });
    const before = tf.memory().numTensors;
    const detections = await detectStream({ model, preprocessor }, plantedStream(3, [1]), { threshold: 0, refractorySeconds: 0, smoothing: 1, hopSeconds: 0.5 });
    expect(detections).toHaveLength(5);
    const scores = await modelScoreFn(model, preprocessor)([tone(1000, 1), noise(16000)]);
    expect(scores).toHaveLength(2);
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
