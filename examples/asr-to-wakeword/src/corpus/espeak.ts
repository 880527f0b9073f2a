import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { speakWithFlite } from "./flite.js";
import type { Voice } from "./voices.js";

const run = promisify(execFile);

/** Throws a message with the fix when the `espeak-ng` command is missing. */
export async function checkEspeak(): Promise<string> {
  try {
    const { stdout } = await run("espeak-ng", ["--version"]);
    return stdout.trim();
  } catch (error) {
    throw new Error(
      "espeak-ng is not installed; the speech corpus is synthesised with it.\nFix: bash scripts/setup.sh (runs apt-get install -y espeak-ng)",
      {
        cause: error,
      },
    );
  }
}

/** Speaks `text` with `voice` into the WAV file `path` (espeak-ng writes 22.05 kHz, flite 8 or 16 kHz, 16-bit mono). */
export async function speakToFile(text: string, voice: Voice, path: string): Promise<void> {
  if (voice.engine === "flite") {
    await speakWithFlite(text, voice, path);
    return;
  }
  await run("espeak-ng", [
    "-v",
    `${voice.accent}+${voice.variant}`,
    "-s",
    String(voice.speed),
    "-p",
    String(voice.pitch),
    "-w",
    path,
    text,
  ]);
}
