import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { noise, tone } from "../../__tests__/fixtures.js";
import { audioPreprocessor } from "../../features/audio-preprocessor.js";
import { speechBackbone } from "../../backbones/speech-backbone.js";
import { wakeWordHead } from "../../heads/wake-word-head.js";
import { detectionsFromScores } from "../detection-tracker.js";
import { modelScoreFn } from "../score-fn.js";
import { scoreStream } from "../score-stream.js";
import { detectStream } from "../streaming-detector.js";

/** RMS of each window: a stand-in posterior that needs no model. */
const loudness = (windows: readonly Float32Array[]): number[] => windows.map((w) => Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length));

describe("scoreStream", () => {
  beforeAll(async () => {
    await loadEngine({ engine: "cpu" });
  });

  it("should score every whole window and reproduce detectStream through detectionsFromScores", async () => {
    const stream = noise(16000 * 6, 2, 0.05);
    stream.set(tone(300, 0.7, 16000, 0.8), 16000 * 2);
    stream.set(tone(300, 0.7, 16000, 0.8), 16000 * 4.5);
    const options = { sampleRate: 16000, windowSeconds: 0.5, hopSeconds: 0.05 };
    const result = await scoreStream(loudness, stream, options);
    expect(result.scores).toHaveLength(111);
    expect(result.hours).toBeCloseTo(6 / 3600, 12);
    const detection = { smoothing: 2, threshold: 0.3, refractorySeconds: 0.5 };
    const swept = detectionsFromScores(result.scores, { ...result, ...detection });
    expect(swept).toHaveLength(4);
    expect(swept).toEqual(await detectStream(loudness, stream, { ...options, ...detection }));
  });

  it("should give the same scores from shared stream features as from per-window features", async () => {
    const preprocessor = audioPreprocessor({ bands: 16, clipSeconds: 0.5 });
    const backbone = speechBackbone({ inputSpec: preprocessor.spec, width: 4, blocks: 1 });
    const head = wakeWordHead({ units: [4], dropout: 0 })({ featureShape: backbone.featureShape, task: { kind: "binary", labels: ["no", "yes"] }, takenNames: new Set() });
    const out = head.layers.reduce((x, l) => l.apply(x) as tf.SymbolicTensor, backbone.model.outputs[0] as tf.SymbolicTensor);
    const model = tf.model({ inputs: backbone.model.inputs, outputs: out });
    const stream = noise(16000 * 2, 5, 0.3);
    const before = tf.memory().numTensors;
    const options = { windowSeconds: 0.5, hopSeconds: 0.1, batchSize: 4 };
    const shared = await scoreStream({ model, preprocessor }, stream, options);
    const perWindow = await scoreStream(modelScoreFn(model, preprocessor), stream, options);
    expect(shared.scores).toHaveLength(16);
    shared.scores.forEach((s, i) => expect(s).toBeCloseTo(perWindow.scores[i] as number, 5));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
