import { decodeWav } from "./decode-wav.js";
import { resample } from "./resample.js";

/** Mono samples of a WAV file (a path or its bytes) at `sampleRate`: decoded, down-mixed and resampled when needed. */
export async function loadAudio(
  source: string | Uint8Array,
  sampleRate: number,
): Promise<Float32Array> {
  const decoded = await decodeWav(source);
  return decoded.sampleRate === sampleRate
    ? decoded.samples
    : resample(decoded.samples, decoded.sampleRate, sampleRate);
}
