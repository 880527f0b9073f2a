import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { rng, tempDir } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";

// A plugin the CLI has never heard of, loaded by path: no CLI file names it.
const plugin = fileURLToPath(new URL("./fixtures/letters-plugin.ts", import.meta.url));
const { dir, cleanup } = tempDir();
const data = join(dir, "texts");
const model = join(dir, "model");

beforeAll(() => {
  // Two classes a letter-frequency model can tell apart: texts of vowels and texts of consonants.
  const random = rng(7);
  const alphabets = { vowels: "aeiou", consonants: "bcdfghklmnprst" };
  for (const [name, alphabet] of Object.entries(alphabets)) {
    mkdirSync(join(data, name), { recursive: true });
    for (let i = 0; i < 24; i++) {
      const text = Array.from({ length: 40 }, () => alphabet[Math.floor(random() * alphabet.length)]);
      writeFileSync(join(data, name, `${i}.txt`), text.join(""));
    }
  }
});
afterAll(cleanup);

describe("a third plugin through the contract", () => {
  it("should pre-train, save and predict with a plugin the CLI does not know", async () => {
    const before = tf.memory().numTensors;
    const trained = await runCli([
      "pretrain", data, "--plugin", plugin, "--backbone", "bag", "--head", "output",
      "--epochs", "30", "--lr", "0.05", "--batch-size", "8", "--test", "0.25", "--out", model, "-q",
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(model, "graft.json"), "utf8"));
    expect(manifest.plugin.name).toBe("letters");
    const accuracy = Number(/accuracy ([\d.]+)/.exec(trained.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(0.75);

    const predicted = await runCli([
      "predict", model, join(data, "vowels", "0.txt"), "--plugin", plugin, "--json",
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout).toContain('"vowels"');
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should name a module that is not a plugin", async () => {
    const notPlugin = fileURLToPath(new URL("./fixtures/data.ts", import.meta.url));
    const r = await runCli(["pretrain", data, "--plugin", notPlugin, "--out", model]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a graft plugin: it exports no graftPlugin/);
  });
});
