// Synthetic speech from espeak-ng (Debian package `espeak-ng`): words spoken by
// voice variants at random speed and pitch, decoded and resampled to 16 kHz.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";

import { decodeWavBytes, resample } from "../src/index.js";

const run = promisify(execFile);

/** A voice: accent (espeak language) + variant, speed (words/min) and pitch (0–99). */
export interface Voice {
  readonly accent: string;
  readonly variant: string;
  readonly speed: number;
  readonly pitch: number;
}

/** The espeak-ng voice variants installed (≈ 100). */
export function voiceVariants(): string[] {
  for (const dir of ["/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v", "/usr/share/espeak-ng-data/voices/!v"]) {
    try {
      return readdirSync(dir).sort();
    } catch {
      // try the next location
    }
  }
  throw new Error("espeak-ng voices not found: apt-get install -y --no-install-recommends espeak-ng");
}

/** Speaks `text` and returns 16 kHz mono samples. */
export async function speak(text: string, voice: Voice, rate = 16000): Promise<Float32Array> {
  const { stdout } = await run("espeak-ng", ["-v", `${voice.accent}+${voice.variant}`, "-s", String(voice.speed), "-p", String(voice.pitch), "--stdout", text], {
    encoding: "buffer",
    maxBuffer: 1 << 26,
  });
  const decoded = decodeWavBytes(new Uint8Array(stdout), `espeak-ng "${text}"`);
  return resample(decoded.samples, decoded.sampleRate, rate);
}

/** Runs `jobs` with at most `limit` in flight, keeping their order. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

/** Pink-ish noise (white noise through a one-pole low-pass), for backgrounds. */
export function colouredNoise(length: number, rng: () => number, smoothing = 0.9): Float32Array {
  const out = new Float32Array(length);
  let y = 0;
  for (let i = 0; i < length; i++) {
    y = smoothing * y + (1 - smoothing) * (rng() * 2 - 1);
    out[i] = y;
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  return out.map((v) => (0.5 * v) / (peak || 1));
}
