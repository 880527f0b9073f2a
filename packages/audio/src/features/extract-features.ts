import { fitLength } from "../decode/fit-length.js";
import type { FeatureConfig, FeatureStats } from "./feature-config.js";
import { clipSamples, featureDepth, frameCount } from "./feature-config.js";
import { melFilterBank } from "./mel-filter-bank.js";
import { Meyda } from "./meyda.js";

// Floor inside the log: silence maps to ln(1e-6) ≈ -13.8 instead of -Infinity.
const LOG_FLOOR = 1e-6;

/**
 * Log-mel or MFCC features of `samples` (already at `config.sampleRate`),
 * frame-major: value `[frame * depth + band]`, `frameCount(samples.length)`
 * frames. meyda windows each frame (Hann) and computes its power spectrum;
 * graft's mel bank turns that into ln(mel energy + 1e-6); MFCC is the
 * orthonormal DCT-II of the log-mel. Normalised with `config.normalization`.
 */
export function extractFeatures(samples: Float32Array, config: FeatureConfig): Float32Array {
  const { windowSize, hopSize, bands } = config;
  const frames = frameCount(samples.length, config);
  const depth = featureDepth(config);
  const bank = melFilterBank({ ...config, fftSize: windowSize });
  const dct = config.feature === "mfcc" ? dctMatrix(bands, config.coefficients) : undefined;
  prepareMeyda(config);
  const padded = samples.length < windowSize ? fitLength(samples, windowSize) : samples;
  const out = new Float32Array(frames * depth);
  const logMel = new Float64Array(bands);
  for (let f = 0; f < frames; f++) {
    const frame = padded.subarray(f * hopSize, f * hopSize + windowSize);
    const power = Meyda.extract("powerSpectrum", frame) as Float32Array;
    for (let b = 0; b < bands; b++) {
      const { start, weights } = bank[b] as (typeof bank)[number];
      let energy = 0;
      for (let k = 0; k < weights.length; k++) energy += (weights[k] as number) * (power[start + k] as number);
      logMel[b] = Math.log(energy + LOG_FLOOR);
    }
    const row = f * depth;
    if (dct) {
      for (let c = 0; c < depth; c++) {
        let acc = 0;
        for (let b = 0; b < bands; b++) acc += (dct[c * bands + b] as number) * (logMel[b] as number);
        out[row + c] = acc;
      }
    } else {
      for (let b = 0; b < bands; b++) out[row + b] = logMel[b] as number;
    }
  }
  if (config.normalization !== "none") normalizeInPlace(out, config.normalization);
  return out;
}

/**
 * Features of one clip: `samples` padded or cut to `config.clipSeconds` (per
 * `config.fit`) first, so every clip has `featureSpec(config).frames` frames.
 */
export function clipFeatures(samples: Float32Array, config: FeatureConfig): Float32Array {
  return extractFeatures(fitLength(samples, clipSamples(config), { mode: config.fit }), config);
}

/** Subtracts the mean and divides by the std of each column, in place. */
export function normalizeInPlace(features: Float32Array, stats: FeatureStats): Float32Array {
  const depth = stats.mean.length;
  for (let i = 0; i < features.length; i++) {
    const d = i % depth;
    features[i] = ((features[i] as number) - (stats.mean[d] as number)) / (stats.std[d] as number);
  }
  return features;
}

let meydaKey = "";

// Meyda is a singleton configured through fields; its cached mel bank is
// stale after a rate or size change, so drop it (graft's own bank is keyed).
function prepareMeyda({ sampleRate, windowSize }: FeatureConfig): void {
  const key = `${sampleRate}/${windowSize}`;
  const meyda = Meyda;
  if (key !== meydaKey || meyda.bufferSize !== windowSize || meyda.sampleRate !== sampleRate) {
    meyda.bufferSize = windowSize;
    meyda.sampleRate = sampleRate;
    meyda.windowingFunction = "hanning";
    delete meyda.melFilterBank;
    meydaKey = key;
  }
}

const dctCache = new Map<string, Float64Array>();

/** Orthonormal DCT-II rows 0 … count-1 over `size` inputs, row-major. */
function dctMatrix(size: number, count: number): Float64Array {
  const key = `${size}/${count}`;
  const hit = dctCache.get(key);
  if (hit) return hit;
  const m = new Float64Array(count * size);
  for (let c = 0; c < count; c++) {
    const scale = Math.sqrt((c === 0 ? 1 : 2) / size);
    for (let b = 0; b < size; b++) m[c * size + b] = scale * Math.cos((Math.PI * c * (b + 0.5)) / size);
  }
  dctCache.set(key, m);
  return m;
}
