// Generated test signals and WAV files: no fixture is read from disk.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import wavefile from "wavefile";

/** A sine tone. */
export function tone(frequency: number, seconds: number, sampleRate = 16000, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

/** A linear chirp from f0 to f1 Hz. */
export function chirp(f0: number, f1: number, seconds: number, sampleRate = 16000, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const k = (f1 - f0) / seconds;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    out[i] = amplitude * Math.sin(2 * Math.PI * (f0 * t + (k * t * t) / 2));
  }
  return out;
}

/** Deterministic white noise in [-amplitude, amplitude]. */
export function noise(length: number, seed = 1, amplitude = 0.5): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = amplitude * ((s / 4294967296) * 2 - 1);
  }
  return out;
}

/** Encodes per-channel raw sample values (already in the bit depth's integer or float range) as WAV bytes. */
export function encodeWav(channels: readonly ArrayLike<number>[], sampleRate: number, bitDepth: string): Uint8Array {
  const wav = new wavefile.WaveFile();
  const data = channels.map((c) => Array.from(c));
  wav.fromScratch(channels.length, sampleRate, bitDepth, channels.length === 1 ? (data[0] as number[]) : data);
  return wav.toBuffer();
}

/** Encodes [-1, 1] mono samples as 16-bit PCM WAV bytes. */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  return encodeWav([Array.from(samples, (v) => Math.round(Math.max(-1, Math.min(1, v)) * 32767))], sampleRate, "16");
}

/** A fresh temporary directory. */
export function tempDir(prefix = "graft-audio-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes bytes to `dir/name` and returns the path. */
export function writeFile(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
