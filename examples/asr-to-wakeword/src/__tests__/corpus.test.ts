import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { synthesise } from "../corpus/synthesise.js";
import { CONFUSERS, OTHER_WORDS, TRANSCRIPTS, WAKE_PHRASE } from "../corpus/vocabulary.js";
import { splitVariants } from "../corpus/voices.js";

const haveEspeak = (() => {
  try {
    execFileSync("espeak-ng", ["--version"]);
    return true;
  } catch {
    return false;
  }
})();
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

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
    const dir = await mkdtemp(join(tmpdir(), "asr-corpus-"));
    dirs.push(dir);
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
});
