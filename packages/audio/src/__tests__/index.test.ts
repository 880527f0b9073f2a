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
        "colouredNoise",
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
        "inRoom",
        "loadAudio",
        "loadMelFrontEnd",
        "melFilterBank",
        "melToHz",
        "mixNoise",
        "modelScoreFn",
        "noiseBeds",
        "noiseClip",
        "normalizeInPlace",
        "openWakeWordModelsDir",
        "peakSmoothed",
        "predictWindows",
        "randomInt",
        "randomUniform",
        "readAudioFolder",
        "readAudioManifest",
        "readMelGraph",
        "readOpenWakeWordFile",
        "resample",
        "restoreAudioPreprocessor",
        "restoreEmbeddingPreprocessor",
        "reverberate",
        "roomImpulse",
        "scaleToRms",
        "scoreEmbeddings",
        "scoreStream",
        "sequenceNetwork",
        "slidingWindows",
        "specAugment",
        "specAugmentBatch",
        "speechBackbone",
        "speechClip",
        "speechEmbedding",
        "speechEmbeddingProvenance",
        "timeShift",
        "toScoreFn",
        "trimSilence",
        "wakeWordHead",
        "windowsFromRecording",
        "withFeatureStats",
        "withPeak",
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
