import { describe, expect, it } from "vitest";

import * as api from "../index.js";

describe("@graft/audio", () => {
  it("should export its public API", () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DetectionTracker",
        "EmbeddingCache",
        "EmbeddingStream",
        "EmbeddingWakeWordStream",
        "MelFrontEnd",
        "OPENWAKEWORD_PACKAGE",
        "OPENWAKEWORD_SHA256",
        "OPENWAKEWORD_VERSION",
        "StreamingDetector",
        "applyGain",
        "audio",
        "audioDataset",
        "audioPreprocessor",
        "augmentWaveform",
        "calibrateThreshold",
        "chainForward",
        "clipFeatures",
        "clipMelFeatures",
        "clipSamples",
        "createRng",
        "decodeWav",
        "decodeWavBytes",
        "detCurve",
        "detectStream",
        "detectionOptions",
        "detectionsFromScores",
        "embedRecording",
        "embeddingPreprocessor",
        "embeddingWakeWordHead",
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
        "loadMelFrontEnd",
        "melFilterBank",
        "melToHz",
        "mixNoise",
        "modelScoreFn",
        "normalizeInPlace",
        "openWakeWordModelsDir",
        "randomInt",
        "randomUniform",
        "readAudioFolder",
        "readAudioManifest",
        "readMelGraph",
        "readOpenWakeWordFile",
        "resample",
        "restoreAudioPreprocessor",
        "restoreEmbeddingPreprocessor",
        "scoreEmbeddings",
        "scoreStream",
        "sequenceNetwork",
        "specAugment",
        "specAugmentBatch",
        "speechBackbone",
        "speechEmbedding",
        "speechEmbeddingProvenance",
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
