// How many times faster than real time log-mel and MFCC features are computed.
import { extractFeatures } from "../src/features/extract-features.js";
import { featureConfig } from "../src/features/feature-config.js";

const seconds = Number(process.argv[2] ?? 60);
const signal = new Float32Array(seconds * 16000);
let state = 1;
for (let i = 0; i < signal.length; i++) {
  state = (state * 1664525 + 1013904223) >>> 0;
  signal[i] = (state / 4294967296) * 2 - 1;
}
for (const options of [{ feature: "log-mel" as const }, { feature: "mfcc" as const }, { feature: "log-mel" as const, hopSize: 256 }]) {
  const config = featureConfig(options);
  extractFeatures(signal.subarray(0, 16000), config);
  const start = performance.now();
  extractFeatures(signal, config);
  const ms = performance.now() - start;
  console.log(`${config.feature} ${config.bands} bands, window ${config.windowSize}, hop ${config.hopSize}: ${seconds} s of 16 kHz audio in ${ms.toFixed(0)} ms = ${((seconds * 1000) / ms).toFixed(0)}× real time`);
}
