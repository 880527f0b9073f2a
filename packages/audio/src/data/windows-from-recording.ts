import { ConfigError } from "@graft/core";

import { fitLength } from "../decode/fit-length.js";

/**
 * Cuts a long recording (e.g. background noise or negative speech) into
 * windows of `windowSeconds`, one every `hopSeconds`. Only whole windows are
 * kept; a recording shorter than one window gives one zero-padded window.
 * Windows are views into `samples` (no copy), starting at `i · hop`.
 */
export function windowsFromRecording(samples: Float32Array, sampleRate: number, windowSeconds: number, hopSeconds = windowSeconds): Float32Array[] {
  const window = Math.round(windowSeconds * sampleRate);
  const hop = Math.round(hopSeconds * sampleRate);
  if (window < 1 || hop < 1) {
    throw new ConfigError(`windowsFromRecording: window and hop must be at least one sample, got ${window} and ${hop} at ${sampleRate} Hz.`);
  }
  if (samples.length < window) return [fitLength(samples, window)];
  const out: Float32Array[] = [];
  for (let start = 0; start + window <= samples.length; start += hop) out.push(samples.subarray(start, start + window));
  return out;
}
