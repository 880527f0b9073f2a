import { readdirSync } from "node:fs";

import { createRng } from "@graft/audio";

/**
 * A synthetic voice. espeak-ng (the default): accent (language) + variant,
 * speaking rate (words/min) and pitch (0–99). flite (`engine: "flite"`): the
 * voice's name as `variant`, `accent` "flite", the same rate and pitch scales.
 */
export interface Voice {
  readonly accent: string;
  readonly variant: string;
  readonly speed: number;
  readonly pitch: number;
  readonly engine?: "flite";
}

/** The English accents of Debian's espeak-ng (`espeak-ng --voices=en`). */
export const ACCENTS: readonly string[] = [
  "en-us",
  "en-gb",
  "en-gb-x-rp",
  "en-gb-scotland",
  "en-gb-x-gbclan",
  "en-gb-x-gbcwmd",
  "en-029",
  "en-us-nyc",
];

const VARIANT_DIRS = [
  "/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v",
  "/usr/lib/aarch64-linux-gnu/espeak-ng-data/voices/!v",
  "/usr/share/espeak-ng-data/voices/!v",
];

/** Installed voice variants (m3, f2, klatt, whisper, …), sorted; names with spaces are skipped (espeak-ng's `-v` cannot take them). */
export function installedVariants(): string[] {
  for (const dir of VARIANT_DIRS) {
    try {
      return readdirSync(dir)
        .filter((name) => !/\s/.test(name))
        .sort();
    } catch {
      // not this layout; try the next one
    }
  }
  throw new Error(
    `No espeak-ng voice variants in ${VARIANT_DIRS.join(" or ")}.\nFix: bash scripts/setup.sh (apt-get install -y espeak-ng)`,
  );
}

/** Voice variants split three ways: task A, task B's training data, and held-out test positives. */
export interface VoiceSplit {
  /** Heard in pre-training (task A) only. */
  readonly pretrain: readonly string[];
  /** Speak task B's training positives: never heard in pre-training. */
  readonly wakeTrain: readonly string[];
  /** Speak the held-out test positives: heard neither in pre-training nor in task B's training. */
  readonly wakeTest: readonly string[];
}

/** A fixed, seeded split of the variants: 60 % task A, 25 % task B training, 15 % test. */
export function splitVariants(variants: readonly string[], seed: number): VoiceSplit {
  const rng = createRng(seed);
  const shuffled = [...variants];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
  }
  const a = Math.round(shuffled.length * 0.6);
  const b = Math.round(shuffled.length * 0.85);
  return {
    pretrain: shuffled.slice(0, a),
    wakeTrain: shuffled.slice(a, b),
    wakeTest: shuffled.slice(b),
  };
}

/** A random voice from `variants` and any accent, at 120–220 words/min and pitch 20–80. */
export function randomVoice(variants: readonly string[], rng: () => number): Voice {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  return {
    accent: pick(ACCENTS),
    variant: pick(variants),
    speed: 120 + Math.floor(rng() * 101),
    pitch: 20 + Math.floor(rng() * 61),
  };
}
