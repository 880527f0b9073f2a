import { describe, expect, it } from "vitest";

import * as api from "../index.js";

describe("@graft/audio", () => {
  it("should export its public API", () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DetectionTracker",
        "StreamingDetector",
        "applyGain",
        "audio",
        "audioDataset",
        "audioPreprocessor",
        "augmentWaveform",
        "calibrateThreshold",
        "clipFeatures",
        "clipSamples",
        "createRng",
        "decodeWav",
        "decodeWavBytes",
        "detCurve",
        "detectStream",
        "detectionOptions",
        "detectionsFromScores",
        "evaluateWakeWord",
        "extractFeatures",
        "falseAcceptsPerHour",
        "falseRejectRate",
        "featureConfig",
        "featureConfigToJson",
        "featureDepth",
        "featureSpec",
        "fitFeatureStats",
        "fitLength",
        "frameCount",
        "hzToMel",
        "melFilterBank",
        "melToHz",
        "mixNoise",
        "modelScoreFn",
        "normalizeInPlace",
        "randomInt",
        "randomUniform",
        "readAudioFolder",
        "readAudioManifest",
        "resample",
        "restoreAudioPreprocessor",
        "scoreStream",
        "specAugment",
        "specAugmentBatch",
        "speechBackbone",
        "timeShift",
        "toScoreFn",
        "wakeWordHead",
        "windowsFromRecording",
        "withFeatureStats",
      ]
    `);
  });

  it("should export the audio plugin value", () => {
    expect(api.audio).toMatchObject({ name: "audio", packageName: "@graft/audio", inputKind: "audio" });
    expect(api.audio.backbones.speechBackbone).toBe(api.speechBackbone);
    expect(api.audio.heads.wakeWordHead).toBe(api.wakeWordHead);
    const restored = api.audio.restorePreprocessor(api.audioPreprocessor({ bands: 32 }).config);
    expect(restored.spec).toMatchObject({ kind: "audio", bands: 32, frames: 97 });
  });
});
