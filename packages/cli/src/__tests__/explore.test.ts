import { readFileSync } from "node:fs";
import { join } from "node:path";

import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";
import { writeTwoCutSource } from "./fixtures/two-cut-source.js";

const { dir, cleanup } = tempDir("graft-explore-");
const taskB = join(dir, "task-b");
const source = join(dir, "source");
const out = join(dir, "model-auto");

beforeAll(async () => {
  await loadEngine();
  await writeImageFolder(taskB, { blob: PATTERNS.blob, diagonal: PATTERNS.diagonal }, 8, {
    seed: 2,
  });
  await writeTwoCutSource(source);
}, 60_000);
afterAll(cleanup);

describe("graft explore", () => {
  it("should print a table and recommend the informative cut over the blind one", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli(["explore", taskB, "--from", source, "--folds", "4"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^cut\s+pooling\s+features\s+CV accuracy\s+CV AUC\s+seconds$/);
    // 2 cuts × 3 poolings, best first
    expect(lines.slice(1, 7).every((l) => /^(early|zeroed)\s+(avg|max|avg\+max)\s/.test(l))).toBe(
      true,
    );
    expect(lines[1]).toMatch(/^early\s/);
    // accuracy and AUC as mean ± spread over the folds
    expect(lines[1]).toMatch(/\s\d\.\d{3} ± \d\.\d{3}\s+\d\.\d{3} ± \d\.\d{3}\s+\d+\.\d$/);
    expect(lines.slice(1, 7).filter((l) => l.startsWith("zeroed"))).toHaveLength(3);
    expect(r.stdout).toMatch(/^recommended: --cut early --pooling (avg|max|avg\+max) \(CV AUC/m);
    expect(r.stdout).toMatch(/cuts: evenly spaced/);
    expect(r.stderr).toMatch(/explore: 6\/6/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should print JSON with the blind cut at chance", async () => {
    const r = await runCli(["explore", taskB, "--from", source, "--folds", "4", "--json", "-q"]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.recommended.cut).toBe("early");
    expect(result.ranked).toHaveLength(6);
    const early = result.ranked.filter((c: { cut: string }) => c.cut === "early");
    const zeroed = result.ranked.filter((c: { cut: string }) => c.cut === "zeroed");
    for (const z of zeroed) expect(z.auc.mean).toBeCloseTo(0.5, 5);
    expect(Math.max(...early.map((c: { auc: { mean: number } }) => c.auc.mean))).toBeGreaterThan(
      0.8,
    );
  });

  it("should name the fix for an unknown cut and a bad pooling", async () => {
    const cut = await runCli(["explore", taskB, "--from", source, "--cuts", "block_99"]);
    expect(cut.code).not.toBe(0);
    expect(cut.stderr).toMatch(/no layer named "block_99"[\s\S]*pick cuts among: early, zeroed/);
    const pooling = await runCli(["explore", taskB, "--from", source, "--poolings", "avg,sum"]);
    expect(pooling.code).not.toBe(0);
    expect(pooling.stderr).toMatch(
      /expected a comma-separated list of avg, max, avg\+max, got "sum"/,
    );
    const bad = await runCli([
      "transfer",
      taskB,
      "--from",
      source,
      "--pooling",
      "mean",
      "--out",
      out,
    ]);
    expect(bad.stderr).toMatch(/expected auto, none, avg, max or avg\+max, got "mean"/);
    const both = await runCli([
      "transfer",
      taskB,
      "--from",
      source,
      "--cut",
      "auto",
      "--pooling",
      "max",
      "--out",
      out,
    ]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--cut auto chooses the pooling too[\s\S]*drop --pooling/);
    const size = await runCli(["explore", taskB, "--from", source, "--input-size", "32"]);
    expect(size.code).not.toBe(0);
    expect(size.stderr).toMatch(/fixed input[\s\S]*drop --input-size/);
    const fixed = await runCli([
      "explore",
      taskB,
      "--backbone",
      "speech-embedding",
      "--input-size",
      "32",
    ]);
    expect(fixed.code).not.toBe(0);
    expect(fixed.stderr).toMatch(
      /speech-embedding takes a fixed input size[\s\S]*drop --input-size/,
    );
  });
});

describe("graft transfer --cut auto", () => {
  it("should use the explorer's winner, record it in graft.json, and predict", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([
      "transfer",
      taskB,
      "--from",
      source,
      "--cut",
      "auto",
      "--epochs",
      "3",
      "--batch-size",
      "8",
      "--test",
      "0",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /--cut auto chose early with (avg|max|avg\+max) pooling; recommended:/,
    );
    const manifest = JSON.parse(readFileSync(join(out, "graft.json"), "utf8"));
    expect(manifest.extra.cli.explore.cut).toBe("early");
    expect(manifest.extra.cli.explore.candidates).toHaveLength(6);
    expect(JSON.stringify(manifest)).toMatch(/"cutAt":"early"/);
    const predicted = await runCli(["predict", out, join(taskB, "blob", "0.png"), "--json", "-q"]);
    expect(predicted.code).toBe(0);
    expect(Object.keys(JSON.parse(predicted.stdout)[0].scores).sort()).toEqual([
      "blob",
      "diagonal",
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("--input-size with a pre-trained source", () => {
  it("should rebuild MobileNetV2 at the asked side and explore the plugin's cuts", async () => {
    const r = await runCli([
      "explore",
      taskB,
      "--backbone",
      "nsfwjs-mobilenetv2",
      "--input-size",
      "32",
      "--poolings",
      "avg",
      "--folds",
      "2",
      "--json",
      "-q",
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.cutsFrom).toBe("plugin");
    expect(result.ranked.map((c: { cut: string }) => c.cut).sort()).toEqual([
      "block_10_expand_relu",
      "block_13_expand_relu",
      "block_3_expand_relu",
      "block_6_expand_relu",
      "out_relu",
    ]);
  }, 120_000);
});
