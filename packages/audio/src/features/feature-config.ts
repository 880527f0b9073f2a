import type { AudioInputSpec, Json } from "@graft/core";
import { ConfigError } from "@graft/core";

import type { FitMode } from "../decode/fit-length.js";

/** Per-feature statistics fitted on training features; saved with the model. */
export interface FeatureStats {
  /** One mean per band (or coefficient). */
  readonly mean: readonly number[];
  /** One standard deviation per band (or coefficient). */
  readonly std: readonly number[];
}

/** A complete, validated feature configuration: what `graft.json` stores. */
export interface FeatureConfig {
  readonly sampleRate: number;
  readonly windowSize: number;
  readonly hopSize: number;
  readonly feature: "log-mel" | "mfcc";
  readonly bands: number;
  readonly coefficients: number;
  readonly fMin: number;
  readonly fMax: number;
  readonly clipSeconds: number;
  readonly fit: FitMode;
  readonly normalization: FeatureStats | "none";
}

/** Options of {@link featureConfig}; every field has a default. */
export interface FeatureConfigOptions {
  /** Rate the model hears; inputs at other rates are resampled. @default 16000 */
  sampleRate?: number;
  /** Analysis window in samples, a power of two (meyda's requirement). @default 512 */
  windowSize?: number;
  /** Hop between frames in samples (160 = 10 ms at 16 kHz). @default 160 */
  hopSize?: number;
  /** `log-mel`: ln(mel energy + 1e-6); `mfcc`: DCT-II of the log-mel. @default "log-mel" */
  feature?: "log-mel" | "mfcc";
  /** Mel bands. @default 40 */
  bands?: number;
  /** Cepstral coefficients kept when `feature` is `mfcc`. @default 13 */
  coefficients?: number;
  /** Lowest mel filter edge in Hz. @default 20 */
  fMin?: number;
  /** Highest mel filter edge in Hz. @default sampleRate / 2 */
  fMax?: number;
  /** Clip length the preprocessor pads or cuts every input to. @default 1 */
  clipSeconds?: number;
  /** How clips are padded or cut, see `fitLength`. @default "center" */
  fit?: FitMode;
  /** Per-feature mean/std from `fitFeatureStats`, or `none`. @default "none" */
  normalization?: FeatureStats | "none";
}

/** Fills the defaults of a feature configuration and validates it. */
export function featureConfig(options: FeatureConfigOptions = {}): FeatureConfig {
  const {
    sampleRate = 16000,
    windowSize = 512,
    hopSize = 160,
    feature = "log-mel",
    bands = 40,
    coefficients = 13,
    fMin = 20,
    fMax = sampleRate / 2,
    clipSeconds = 1,
    fit = "center",
    normalization = "none",
  } = options;
  const fail = (what: string, got: unknown): never => {
    throw new ConfigError(`featureConfig: ${what}, got ${JSON.stringify(got)}.`);
  };
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) fail("sampleRate must be a positive integer", sampleRate);
  if (!Number.isInteger(windowSize) || windowSize < 16 || (windowSize & (windowSize - 1)) !== 0) {
    fail("windowSize must be a power of two ≥ 16 (meyda frames are powers of two)", windowSize);
  }
  if (!Number.isInteger(hopSize) || hopSize <= 0) fail("hopSize must be a positive integer", hopSize);
  if (feature !== "log-mel" && feature !== "mfcc") fail('feature must be "log-mel" or "mfcc"', feature);
  if (!Number.isInteger(bands) || bands < 1) fail("bands must be a positive integer", bands);
  if (!Number.isInteger(coefficients) || coefficients < 1 || coefficients > bands) {
    fail(`coefficients must be an integer in [1, bands=${bands}]`, coefficients);
  }
  if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2)) fail(`need 0 ≤ fMin < fMax ≤ ${sampleRate / 2} Hz`, [fMin, fMax]);
  if (!(clipSeconds > 0)) fail("clipSeconds must be positive", clipSeconds);
  if (fit !== "pad" && fit !== "trim" && fit !== "center") fail('fit must be "pad", "trim" or "center"', fit);
  const config = { sampleRate, windowSize, hopSize, feature, bands, coefficients, fMin, fMax, clipSeconds, fit, normalization };
  if (normalization !== "none") {
    const depth = featureDepth(config);
    if (normalization.mean.length !== depth || normalization.std.length !== depth) {
      fail(`normalization needs ${depth} means and stds (one per ${feature === "mfcc" ? "coefficient" : "band"})`, {
        mean: normalization.mean.length,
        std: normalization.std.length,
      });
    }
  }
  return config;
}

/** Values per frame: mel bands, or MFCC coefficients. */
export function featureDepth(config: Pick<FeatureConfig, "feature" | "bands" | "coefficients">): number {
  return config.feature === "mfcc" ? config.coefficients : config.bands;
}

/** Samples in one clip. */
export function clipSamples(config: Pick<FeatureConfig, "clipSeconds" | "sampleRate">): number {
  return Math.round(config.clipSeconds * config.sampleRate);
}

/** Frames computed from `length` samples (a signal shorter than one window gives one, zero-padded, frame). */
export function frameCount(length: number, config: Pick<FeatureConfig, "windowSize" | "hopSize">): number {
  if (length <= config.windowSize) return 1;
  return 1 + Math.floor((length - config.windowSize) / config.hopSize);
}

/** The input spec of a model fed by this configuration (one clip). */
export function featureSpec(config: FeatureConfig): AudioInputSpec {
  return {
    kind: "audio",
    sampleRate: config.sampleRate,
    windowSize: config.windowSize,
    hopSize: config.hopSize,
    feature: config.feature,
    bands: featureDepth(config),
    frames: frameCount(clipSamples(config), config),
  };
}

/** The configuration as JSON for `graft.json`. */
export function featureConfigToJson(config: FeatureConfig): Json {
  const { normalization, ...rest } = config;
  return {
    ...rest,
    normalization: normalization === "none" ? "none" : { mean: [...normalization.mean], std: [...normalization.std] },
  };
}
