import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

import { speakInHelper } from "./speech-process.js";
import type { Voice } from "./voices.js";

/** One spoken clip of the corpus: x = the audio espeak-ng makes of `text`, y = `text`. */
export interface Utterance {
  readonly text: string;
  readonly voice: Voice;
}

/** An utterance with the WAV file that holds it. */
export interface SpokenUtterance extends Utterance {
  readonly path: string;
}

/** Options of {@link synthesise}. */
export interface SynthesiseOptions {
  /** Folder of the corpus: WAVs go to `<dir>/wav/`, the manifest to `<dir>/<name>.jsonl`. */
  readonly dir: string;
  /** Manifest name, e.g. `task-a`. */
  readonly name: string;
  /** espeak-ng processes at once. @default 2 */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number, synthesised: number) => void;
  /** Write `<dir>/<name>.jsonl`. @default true */
  readonly manifest?: boolean;
}

/**
 * Makes sure every utterance exists as a WAV file and writes a JSONL manifest
 * (`path`, `transcript`, voice) for the set. Files are named by a hash of text
 * and voice, so a re-run, or another set asking for the same utterance, reuses
 * them: only missing files are synthesised.
 */
export async function synthesise(
  utterances: readonly Utterance[],
  options: SynthesiseOptions,
): Promise<{ clips: SpokenUtterance[]; synthesised: number }> {
  const { dir, name, concurrency = 2, onProgress, manifest = true } = options;
  await mkdir(join(dir, "wav"), { recursive: true });
  const clips = clipsFor(utterances, dir);
  let next = 0;
  let done = 0;
  let synthesised = 0;
  const worker = async (): Promise<void> => {
    while (next < clips.length) {
      const clip = clips[next++] as SpokenUtterance;
      const pending = inFlight.get(clip.path);
      if (pending) await pending;
      else if (!existsSync(clip.path)) {
        const made = speakOnce(clip);
        inFlight.set(clip.path, made);
        try {
          await made;
        } finally {
          inFlight.delete(clip.path);
        }
        synthesised++;
      }
      done++;
      if (onProgress && (done % 500 === 0 || done === clips.length))
        onProgress(done, clips.length, synthesised);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, clips.length)) }, worker),
  );
  if (manifest) {
    const lines = clips.map((c) =>
      JSON.stringify({ path: relative(dir, c.path), transcript: c.text, ...c.voice }),
    );
    await writeFile(join(dir, `${name}.jsonl`), `${lines.join("\n")}\n`);
  }
  return { clips, synthesised };
}

/** The clips `utterances` become in the corpus `dir`: where each one's WAV is (made or not). */
export function clipsFor(utterances: readonly Utterance[], dir: string): SpokenUtterance[] {
  return utterances.map((u) => ({ ...u, path: join(dir, "wav", `${utteranceId(u)}.wav`) }));
}

/**
 * Clips being synthesised right now, by path: a second {@link synthesise}
 * (e.g. a set the demo asks for while the same set is still being prefetched
 * in the background) waits for the clip instead of making it twice.
 */
const inFlight = new Map<string, Promise<void>>();

async function speakOnce(clip: SpokenUtterance): Promise<void> {
  // Write aside and rename, so an interrupted run never leaves a truncated WAV behind.
  const partial = `${clip.path}.partial.wav`;
  await speakInHelper(clip.text, clip.voice, partial);
  await rename(partial, clip.path);
}

/** A short stable id of an utterance: the same text and voice always map to the same file. */
export function utteranceId({ text, voice }: Utterance): string {
  const parts = [text, voice.accent, voice.variant, voice.speed, voice.pitch];
  // espeak-ng voices keep their old ids (and cached files); other engines are named.
  const key = JSON.stringify(voice.engine ? [...parts, voice.engine] : parts);
  return createHash("sha1").update(key).digest("hex").slice(0, 16);
}
