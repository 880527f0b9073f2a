import { existsSync } from "node:fs";
import { join } from "node:path";

import { createRng } from "@graft/audio";
import { describe, expect, it } from "vitest";

import type { DataContext } from "../datasets.js";
import { speak, speakOnDemand, trainBeds } from "../datasets.js";
import { negativeStream } from "../stream.js";
import { haveEspeak, tempDir } from "./speech-fixtures.js";

async function context(): Promise<DataContext> {
  const dir = await tempDir("asr-on-demand-");
  return {
    sizes: {} as DataContext["sizes"],
    voices: { pretrain: [], wakeTrain: [], wakeTest: [] },
    seed: 1,
    corpusDir: join(dir, "corpus"),
    cacheDir: join(dir, "cache"),
    log: () => {},
  };
}

const words = ["apple", "river", "seven", "window", "paper", "orange", "garden", "button"];
const utterances = Array.from({ length: 40 }, (_, i) => ({
  text: words[i % words.length] as string,
  voice: { accent: "en-us", variant: `m${1 + (i % 7)}`, speed: 170, pitch: 50 },
}));

describe.skipIf(!haveEspeak)("speakOnDemand", () => {
  it("should synthesise only what a stream says, and give the same stream as speaking everything first", async () => {
    const lazyCtx = await context();
    const lazy = speakOnDemand(lazyCtx, "lazy", utterances, 4);
    const minutes = 0.15; // 9 s: a few of the 40 words
    const onDemand = await negativeStream(
      lazy.clips,
      minutes,
      trainBeds,
      createRng(3),
      {},
      lazy.ready,
    );
    const made = lazy.clips.filter((c) => existsSync(c.path)).length;
    expect(onDemand.placements.length).toBeGreaterThan(0);
    expect(made).toBeGreaterThanOrEqual(onDemand.placements.length);
    expect(made).toBeLessThan(utterances.length);
    expect(made - onDemand.placements.length).toBeLessThan(4);

    const eagerCtx = await context();
    const eager = await negativeStream(
      await speak(eagerCtx, "eager", utterances),
      minutes,
      trainBeds,
      createRng(3),
    );
    expect(onDemand.placements).toEqual(eager.placements);
    expect(onDemand.samples).toEqual(eager.samples);
  });
});
