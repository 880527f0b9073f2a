import { createRng } from "@graft/audio";

import type { Utterance } from "./synthesise.js";
import { CONFUSERS, OTHER_WORDS, SENTENCES, TRANSCRIPTS, WAKE_PHRASE } from "./vocabulary.js";
import type { Voice, VoiceSplit } from "./voices.js";
import { randomVoice } from "./voices.js";

/** Sizes of the data sets, from the command line. */
export interface SetSizes {
  /** Clips per transcript of task A. */
  readonly perTranscript: number;
  /** Task B training positives (the wake phrase). */
  readonly positives: number;
  /** Task B training negatives that sound like the wake phrase. */
  readonly confusers: number;
  /** Task B training negatives: other words and phrases. */
  readonly otherSpeech: number;
  /** Held-out positives, by voices heard nowhere else. */
  readonly testPositives: number;
  /** Minutes of the negative stream the threshold is calibrated on. */
  readonly calibrationMinutes: number;
  /** Minutes of the held-out negative stream false accepts are counted on. */
  readonly testMinutes: number;
}

/** Task A: every transcript `perTranscript` times, by the pre-training voices. */
export function pretrainUtterances(sizes: SetSizes, voices: VoiceSplit, seed: number): Utterance[] {
  const random = createRng(seed);
  return TRANSCRIPTS.flatMap((text) =>
    Array.from({ length: sizes.perTranscript }, () => ({
      text,
      voice: randomVoice(voices.pretrain, random),
    })),
  );
}

/** Task B's training speech: the wake phrase by new voices, and negatives by any voice but the test voices. */
export function wakeTrainUtterances(
  sizes: SetSizes,
  voices: VoiceSplit,
  seed: number,
): { positives: Utterance[]; negatives: Utterance[] } {
  const random = createRng(seed);
  const known = [...voices.pretrain, ...voices.wakeTrain];
  const pick = (xs: readonly string[]): string => xs[Math.floor(random() * xs.length)] as string;
  const positives = Array.from({ length: sizes.positives }, () => ({
    text: WAKE_PHRASE,
    voice: wakeVoice(voices.wakeTrain, random),
  }));
  const confusers = Array.from({ length: sizes.confusers }, () => ({
    text: pick(CONFUSERS),
    voice: randomVoice(known, random),
  }));
  const ordinary = [...OTHER_WORDS, ...TRANSCRIPTS];
  const other = Array.from({ length: sizes.otherSpeech }, () => ({
    text: pick(ordinary),
    voice: randomVoice(known, random),
  }));
  return { positives, negatives: [...confusers, ...other] };
}

/** Held-out positives: the wake phrase by the test voices only. */
export function testPositiveUtterances(
  sizes: SetSizes,
  voices: VoiceSplit,
  seed: number,
): Utterance[] {
  const random = createRng(seed);
  return Array.from({ length: sizes.testPositives }, () => ({
    text: WAKE_PHRASE,
    voice: wakeVoice(voices.wakeTest, random),
  }));
}

/**
 * Speech for a negative stream of `minutes` (about 25 utterances a minute),
 * never the wake phrase: 40 % sentences, 25 % other words, 25 % task A's
 * words, 10 % near misses ("hey craft", "graph", …), so that about one
 * utterance in ten is a hard negative, far more than in everyday speech.
 */
export function streamUtterances(
  minutes: number,
  variants: readonly string[],
  seed: number,
): Utterance[] {
  const random = createRng(seed);
  const groups: [number, readonly string[]][] = [
    [0.4, SENTENCES],
    [0.25, OTHER_WORDS],
    [0.25, TRANSCRIPTS],
    [0.1, CONFUSERS],
  ];
  return Array.from({ length: Math.ceil(minutes * 25) }, () => {
    let r = random();
    const group = (groups.find(([share]) => (r -= share) < 0) ?? [0, SENTENCES])[1];
    return {
      text: group[Math.floor(random() * group.length)] as string,
      voice: randomVoice(variants, random),
    };
  });
}

// The wake phrase at under 140 words/min can outlast the 1 s window.
function wakeVoice(variants: readonly string[], random: () => number): Voice {
  const voice = randomVoice(variants, random);
  return { ...voice, speed: Math.max(140, voice.speed) };
}
