import { createRng } from "@graft/audio";

import { FLITE_TEST_VOICES, FLITE_TRAIN_VOICES, randomFliteVoice } from "./flite.js";
import type { Utterance } from "./synthesise.js";
import {
  CONFUSERS,
  HEY_OTHERS,
  OTHER_WORDS,
  SENTENCES,
  TRANSCRIPTS,
  WAKE_PHRASE,
} from "./vocabulary.js";
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
  /** Held-out positives by espeak-ng voices heard nowhere else. */
  readonly testPositives: number;
  /** Held-out positives by the flite voice heard nowhere else. */
  readonly fliteTestPositives: number;
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

/** The held-out positives every route is tested on: the espeak-ng test voices, then the held-out flite voice. */
export function allTestPositiveUtterances(
  sizes: SetSizes,
  voices: VoiceSplit,
  seed: number,
): Utterance[] {
  const random = createRng(seed + 1000);
  return [
    ...testPositiveUtterances(sizes, voices, seed),
    ...Array.from({ length: sizes.fliteTestPositives }, () => ({
      text: WAKE_PHRASE,
      voice: fliteWakeVoice(FLITE_TEST_VOICES, random),
    })),
  ];
}

/**
 * The speech-embedding route's task B speech: the wake phrase by the task B
 * espeak-ng voices and by the training flite voices; negatives (half
 * sentences, a quarter near misses, a quarter single words: everyday speech
 * is mostly sentences) by every voice but the test voices, flite's
 * training voices among them, so no voice is heard only saying the wake
 * phrase; and near misses alone, each by many voices.
 */
export function embeddingTrainUtterances(
  counts: {
    readonly positives: number;
    readonly flitePositives: number;
    /** How many of {@link HEY_OTHERS} the near-miss stream also says. @default 0 */
    readonly heyOthers?: number;
  },
  voices: VoiceSplit,
  seed: number,
): { positives: Utterance[]; negatives: Utterance[]; confusers: Utterance[] } {
  const random = createRng(seed);
  const known = [...voices.pretrain, ...voices.wakeTrain];
  const pick = (xs: readonly string[]): string => xs[Math.floor(random() * xs.length)] as string;
  const positives = [
    ...Array.from({ length: counts.positives }, () => ({
      text: WAKE_PHRASE,
      voice: wakeVoice(voices.wakeTrain, random),
    })),
    ...Array.from({ length: counts.flitePositives }, () => ({
      text: WAKE_PHRASE,
      voice: fliteWakeVoice(FLITE_TRAIN_VOICES, random),
    })),
  ];
  const ordinary = [...OTHER_WORDS, ...TRANSCRIPTS, ...SENTENCES];
  const negatives = Array.from({ length: 1200 }, (_, i) => {
    const flite = i % 6 === 5;
    return {
      text: pick([CONFUSERS, SENTENCES, SENTENCES, ordinary][i % 4] as readonly string[]),
      voice: flite ? randomFliteVoice(FLITE_TRAIN_VOICES, random) : randomVoice(known, random),
    };
  });
  // Near misses alone, every one said by many voices: what separates the wake phrase from "hey graph".
  const nearMisses = [...CONFUSERS, ...HEY_OTHERS.slice(0, counts.heyOthers ?? 0)];
  const confusers = Array.from({ length: 800 }, (_, i) => ({
    text: nearMisses[i % nearMisses.length] as string,
    voice: i % 6 === 5 ? randomFliteVoice(FLITE_TRAIN_VOICES, random) : randomVoice(known, random),
  }));
  return { positives, negatives, confusers };
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

function fliteWakeVoice(names: readonly string[], random: () => number): Voice {
  const voice = randomFliteVoice(names, random);
  return { ...voice, speed: Math.max(140, voice.speed) };
}
