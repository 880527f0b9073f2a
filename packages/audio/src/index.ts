export { audio } from "./plugin.js";
export type { AudioBackbones, AudioHeads } from "./plugin.js";

export { decodeWav, decodeWavBytes } from "./decode/decode-wav.js";
export type { DecodedAudio } from "./decode/decode-wav.js";
export { resample } from "./decode/resample.js";
export type { ResampleOptions } from "./decode/resample.js";
export { loadAudio } from "./decode/load-audio.js";
export { fitLength } from "./decode/fit-length.js";
export type { FitLengthOptions, FitMode } from "./decode/fit-length.js";

export { clipSamples, featureConfig, featureConfigToJson, featureDepth, featureSpec, frameCount } from "./features/feature-config.js";
export type { FeatureConfig, FeatureConfigOptions, FeatureStats } from "./features/feature-config.js";
export { clipFeatures, extractFeatures, normalizeInPlace } from "./features/extract-features.js";
export { fitFeatureStats, withFeatureStats } from "./features/feature-stats.js";
export { hzToMel, melFilterBank, melToHz } from "./features/mel-filter-bank.js";
export type { MelFilter, MelFilterBankOptions } from "./features/mel-filter-bank.js";
export { audioPreprocessor, restoreAudioPreprocessor } from "./features/audio-preprocessor.js";
export type { AudioPreprocessor, AudioRaw } from "./features/audio-preprocessor.js";

export { createRng, randomInt, randomUniform } from "./augment/rng.js";
export type { Rng } from "./augment/rng.js";
export { applyGain, augmentWaveform, mixNoise, timeShift } from "./augment/waveform.js";
export type { WaveformAugmentOptions } from "./augment/waveform.js";
export { colouredNoise, noiseBeds, scaleToRms } from "./augment/noise.js";
export type { NoiseColour } from "./augment/noise.js";
export { reverberate, roomImpulse } from "./augment/reverb.js";
export type { ImpulseResponse, RoomImpulseOptions } from "./augment/reverb.js";
export { inRoom, noiseClip, speechClip, trimSilence, withPeak } from "./augment/speech-clip.js";
export type { SpeechClipOptions } from "./augment/speech-clip.js";
export { specAugment, specAugmentBatch } from "./augment/spec-augment.js";
export type { SpecAugmentOptions } from "./augment/spec-augment.js";

export { readAudioFolder } from "./data/read-audio-folder.js";
export type { LabelledAudio, ReadAudioFolderOptions } from "./data/read-audio-folder.js";
export { readAudioManifest } from "./data/read-audio-manifest.js";
export type { ReadAudioManifestOptions } from "./data/read-audio-manifest.js";
export { windowsFromRecording } from "./data/windows-from-recording.js";
export { audioDataset } from "./data/audio-dataset.js";
export type { AudioDataset, AudioDatasetOptions } from "./data/audio-dataset.js";

export { speechBackbone } from "./backbones/speech-backbone.js";
export type { SpeechBackboneOptions } from "./backbones/speech-backbone.js";
export { wakeWordHead } from "./heads/wake-word-head.js";
export type { WakeWordHeadOptions } from "./heads/wake-word-head.js";

export { DetectionTracker, detectionOptions, detectionsFromScores } from "./stream/detection-tracker.js";
export type { Detection, DetectionOptions, ResolvedDetectionOptions } from "./stream/detection-tracker.js";
export { modelScoreFn, toScoreFn } from "./stream/score-fn.js";
export type { ScoreFn, Scorer } from "./stream/score-fn.js";
export { detectStream, StreamingDetector } from "./stream/streaming-detector.js";
export type { StreamOptions } from "./stream/streaming-detector.js";
export { peakSmoothed, predictWindows, slidingWindows } from "./stream/score-windows.js";
export type { PredictWindowsOptions, SlidingWindows } from "./stream/score-windows.js";
export { scoreStream } from "./stream/score-stream.js";
export type { ScoreStreamOptions, StreamScores } from "./stream/score-stream.js";

export { falseAcceptsPerHour, falseRejectRate } from "./metrics/wake-word-metrics.js";
export { detCurve } from "./metrics/det-curve.js";
export type { DetCurveOptions, DetPoint, NegativeEvidence } from "./metrics/det-curve.js";
export { calibrateThreshold } from "./metrics/calibrate-threshold.js";
export type { Calibration, CalibrateThresholdOptions } from "./metrics/calibrate-threshold.js";
export { evaluateWakeWord } from "./metrics/evaluate-wake-word.js";
export type { EvaluateWakeWordOptions, WakeWordEvaluation } from "./metrics/evaluate-wake-word.js";
export { graftPlugin } from "./contract/graft-plugin.js";
export { DEFAULT_DETECTION, detectionMetrics, detectionsAt, scoreRecordings } from "./contract/recordings.js";
export type { ScoredRecordings } from "./contract/recordings.js";

export { speechEmbedding } from "./speech-embedding/speech-embedding.js";
export type { SpeechEmbedding, SpeechEmbeddingOptions } from "./speech-embedding/speech-embedding.js";
export { speechEmbeddingProvenance } from "./speech-embedding/provenance.js";
export type { SpeechEmbeddingProvenance } from "./speech-embedding/provenance.js";
export { loadMelFrontEnd, MelFrontEnd, readMelGraph } from "./speech-embedding/mel-front-end.js";
export type { MelFeatureOptions, MelGraphConstants } from "./speech-embedding/mel-front-end.js";
export { EmbeddingStream } from "./speech-embedding/embedding-stream.js";
export type { EmbeddingExtractor, EmbeddingStreamOptions } from "./speech-embedding/embedding-stream.js";
export { EmbeddingCache, embedRecording } from "./speech-embedding/embedding-cache.js";
export type { FingerprintedExtractor, RecordingEmbeddings } from "./speech-embedding/embedding-cache.js";
export { chainForward, sequenceNetwork } from "./speech-embedding/embedding-network.js";
export { clipMelFeatures, embeddingPreprocessor, embeddingPreprocessorFor, restoreEmbeddingPreprocessor } from "./speech-embedding/embedding-preprocessor.js";
export type { EmbeddingPreprocessor, EmbeddingPreprocessorOptions } from "./speech-embedding/embedding-preprocessor.js";
export { embeddingWakeWordHead } from "./speech-embedding/embedding-head.js";
export type { EmbeddingHeadKind, EmbeddingHeadOptions } from "./speech-embedding/embedding-head.js";
export { EmbeddingWakeWordStream, scoreEmbeddings } from "./speech-embedding/score-embeddings.js";
export type { ScoreEmbeddingsOptions } from "./speech-embedding/score-embeddings.js";
export { OPENWAKEWORD_PACKAGE, OPENWAKEWORD_SHA256, OPENWAKEWORD_VERSION, openWakeWordModelsDir, readOpenWakeWordFile } from "./speech-embedding/openwakeword-files.js";
export type { OpenWakeWordFile } from "./speech-embedding/openwakeword-files.js";
