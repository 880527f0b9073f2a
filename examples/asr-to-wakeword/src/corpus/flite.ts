import { execFile } from "node:child_process";
import { promisify } from "node:util";

import type { Voice } from "./voices.js";

const run = promisify(execFile);

/**
 * Debian's flite voices that read any text (`awb_time` only reads the time),
 * with each one's usual pitch in Hz. kal and kal16 are one speaker at two
 * sample rates, so they always sit on the same side of a split.
 */
const FLITE_PITCH: Readonly<Record<string, number>> = {
  kal: 105,
  kal16: 105,
  awb: 110,
  rms: 100,
  slt: 170,
};

/** flite speakers heard in task B's training data. */
export const FLITE_TRAIN_VOICES: readonly string[] = ["kal", "kal16", "awb", "rms"];
/** The flite speaker kept for the test positives only. */
export const FLITE_TEST_VOICES: readonly string[] = ["slt"];

/** Throws a message with the fix when `flite` is missing. */
export async function checkFlite(): Promise<string> {
  try {
    const { stdout } = await run("flite", ["-lv"]);
    return `flite (${stdout.trim()})`;
  } catch (error) {
    throw new Error(
      "flite is not installed; part of the wake phrase is spoken with it for more voice diversity.\nFix: bash scripts/setup.sh (runs apt-get install -y flite)",
      { cause: error },
    );
  }
}

/** A random flite voice from `names`, at 120–220 words/min and pitch 20–80 (the espeak-ng scales). */
export function randomFliteVoice(names: readonly string[], random: () => number): Voice {
  return {
    engine: "flite",
    accent: "flite",
    variant: names[Math.floor(random() * names.length)] as string,
    speed: 120 + Math.floor(random() * 101),
    pitch: 20 + Math.floor(random() * 61),
  };
}

/** Speaks `text` with a flite voice into the WAV file `path`: rate as a duration stretch, pitch as ±0.3 octave around the voice's own. */
export async function speakWithFlite(text: string, voice: Voice, path: string): Promise<void> {
  const base = FLITE_PITCH[voice.variant];
  if (base === undefined)
    throw new Error(
      `Unknown flite voice "${voice.variant}"; expected one of ${Object.keys(FLITE_PITCH).join(", ")}.`,
    );
  const stretch = 175 / voice.speed;
  const pitch = base * 2 ** ((voice.pitch - 50) / 100);
  await run("flite", [
    "-voice",
    voice.variant,
    "--setf",
    `duration_stretch=${stretch.toFixed(3)}`,
    "--setf",
    `int_f0_target_mean=${pitch.toFixed(1)}`,
    "-t",
    text,
    "-o",
    path,
  ]);
}
