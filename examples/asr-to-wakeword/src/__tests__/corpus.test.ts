import { describe, expect, it } from "vitest";

import { synthesise } from "../corpus/synthesise.js";
import {
  CONFUSERS,
  HEY_OTHERS,
  OTHER_WORDS,
  TRANSCRIPTS,
  WAKE_PHRASE,
} from "../corpus/vocabulary.js";
import { FLITE_TEST_VOICES } from "../corpus/flite.js";
import { allTestPositiveUtterances, embeddingTrainUtterances } from "../corpus/sets.js";
import { splitVariants } from "../corpus/voices.js";
import { haveEspeak, tempDir } from "./speech-fixtures.js";

describe("vocabulary", () => {
  it("should give task A at least 30 distinct transcripts, none containing a word of the wake phrase", () => {
    expect(new Set(TRANSCRIPTS).size).toBe(TRANSCRIPTS.length);
    expect(TRANSCRIPTS.length).toBeGreaterThanOrEqual(30);
    const wakeWords = WAKE_PHRASE.split(" ");
    for (const t of [...TRANSCRIPTS, ...OTHER_WORDS])
      for (const w of t.split(" ")) expect(wakeWords).not.toContain(w);
    expect(CONFUSERS).not.toContain(WAKE_PHRASE);
  });
});

describe("embeddingTrainUtterances", () => {
  const voices = splitVariants(
    Array.from({ length: 40 }, (_, i) => `v${i}`),
    3,
  );

  it("should add the asked number of hey + word phrases to the near misses, and nothing else", () => {
    const plain = embeddingTrainUtterances({ positives: 5, flitePositives: 0 }, voices, 5);
    const withHey = embeddingTrainUtterances(
      { positives: 5, flitePositives: 0, heyOthers: 4 },
      voices,
      5,
    );
    const texts = (us: readonly { text: string }[]): Set<string> => new Set(us.map((u) => u.text));
    expect(texts(plain.confusers)).toEqual(new Set(CONFUSERS));
    expect(texts(withHey.confusers)).toEqual(new Set([...CONFUSERS, ...HEY_OTHERS.slice(0, 4)]));
    expect(withHey.negatives).toEqual(plain.negatives);
    for (const phrase of HEY_OTHERS) {
      expect(phrase.startsWith("hey ")).toBe(true);
      expect(phrase).not.toBe(WAKE_PHRASE);
      expect(CONFUSERS).not.toContain(phrase);
    }
  });
});

describe("splitVariants", () => {
  it("should split the voices into three disjoint groups, the same way for the same seed", () => {
    const variants = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const split = splitVariants(variants, 1);
    const all = [...split.pretrain, ...split.wakeTrain, ...split.wakeTest];
    expect(new Set(all).size).toBe(100);
    expect(split.pretrain.length).toBe(60);
    expect(split.wakeTest.length).toBe(15);
    expect(splitVariants(variants, 1)).toEqual(split);
  });
});

describe.skipIf(!haveEspeak)("synthesise", () => {
  it("should write each utterance once and reuse it on the next run", async () => {
    const dir = await tempDir("asr-corpus-");
    const utterances = [
      { text: "seven", voice: { accent: "en-us", variant: "m3", speed: 160, pitch: 50 } },
      { text: "hey graft", voice: { accent: "en-gb-x-rp", variant: "f2", speed: 150, pitch: 40 } },
    ];
    const first = await synthesise(utterances, { dir, name: "test" });
    expect(first.synthesised).toBe(2);
    const again = await synthesise(utterances, { dir, name: "test" });
    expect(again.synthesised).toBe(0);
    expect(again.clips.map((c) => c.path)).toEqual(first.clips.map((c) => c.path));
  });

  it("should make a clip once when two sets ask for it at the same time", async () => {
    const dir = await tempDir("asr-corpus-");
    const utterances = ["one", "two", "three", "four"].map((text) => ({
      text,
      voice: { accent: "en-us", variant: "m3", speed: 170, pitch: 50 },
    }));
    const [background, route] = await Promise.all([
      synthesise(utterances, { dir, name: "background", concurrency: 1 }),
      synthesise(utterances, { dir, name: "route" }),
    ]);
    expect(background.synthesised + route.synthesised).toBe(utterances.length);
    expect(route.clips.map((c) => c.path)).toEqual(background.clips.map((c) => c.path));
  });
});

describe("speech-embedding route's voices", () => {
  it("should never let a test voice speak in training, and let flite's training voices say negatives too", () => {
    const voices = splitVariants(
      Array.from({ length: 40 }, (_, i) => `v${i}`),
      3,
    );
    const train = embeddingTrainUtterances({ positives: 50, flitePositives: 20 }, voices, 5);
    const test = allTestPositiveUtterances(
      {
        perTranscript: 1,
        positives: 1,
        confusers: 0,
        otherSpeech: 1,
        testPositives: 30,
        fliteTestPositives: 10,
        calibrationMinutes: 1,
        testMinutes: 1,
      },
      voices,
      7,
    );
    const name = (v: { engine?: string; variant: string }): string =>
      `${v.engine ?? "espeak"}:${v.variant}`;
    const heard = new Set(
      [...train.positives, ...train.negatives, ...train.confusers].map((u) => name(u.voice)),
    );
    expect(test).toHaveLength(40);
    for (const u of test) {
      expect(u.text).toBe(WAKE_PHRASE);
      expect(heard.has(name(u.voice))).toBe(false);
    }
    expect(test.filter((u) => u.voice.engine === "flite").map((u) => u.voice.variant)).toEqual(
      Array.from({ length: 10 }, () => FLITE_TEST_VOICES[0]),
    );
    const flitePositives = new Set(
      train.positives.filter((u) => u.voice.engine === "flite").map((u) => u.voice.variant),
    );
    const fliteNegatives = new Set(
      train.negatives.filter((u) => u.voice.engine === "flite").map((u) => u.voice.variant),
    );
    expect(flitePositives.size).toBeGreaterThan(1);
    for (const v of flitePositives) expect(fliteNegatives.has(v)).toBe(true);
    expect(train.negatives.some((u) => u.text === WAKE_PHRASE)).toBe(false);
    expect(new Set(train.confusers.map((u) => u.text))).toEqual(new Set(CONFUSERS));
  });
});
