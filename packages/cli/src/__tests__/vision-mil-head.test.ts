import { readFileSync } from "node:fs";
import { join } from "node:path";

import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";
import { writeTwoCutSource } from "./fixtures/two-cut-source.js";

const { dir, cleanup } = tempDir("graft-mil-");
const train = join(dir, "train");
const heldOut = join(dir, "held-out");
const source = join(dir, "source");
const model = join(dir, "model-mil");
const SPOTS = { plain: PATTERNS.plain, spot: PATTERNS.spot };

beforeAll(async () => {
  await loadEngine();
  await writeImageFolder(train, SPOTS, 12, { seed: 5 });
  await writeImageFolder(heldOut, SPOTS, 10, { seed: 6 });
  await writeTwoCutSource(source);
}, 60_000);
afterAll(cleanup);

/** `graft transfer --head mil` on the training spots, every image in training. */
function transferMil(cut: string, epochs: number, out: string, extra: string[] = []) {
  return runCli([
    ...["transfer", train, "--from", source, "--cut", cut, "--head", "mil"],
    ...["--epochs", String(epochs), "--batch-size", "8", "--validation", "0", "--test", "0"],
    ...["--out", out, ...extra],
  ]);
}

describe("graft transfer --head mil (a plugin head on an unpooled cut)", () => {
  it("should keep the cut's map, train the vision plugin's MIL head and find spots in held-out images", async () => {
    const before = tf.memory().numTensors;
    const r = await transferMil("early", 40, model, ["--lr", "0.01"]);
    expect(r.code, r.stderr).toBe(0);
    // --pooling auto became none: the head sees the 14×14×6 map.
    expect(r.stderr).toMatch(/cut at early \(features \[14, 14, 6\]\)/);
    const manifest = JSON.parse(readFileSync(join(model, "graft.json"), "utf8"));
    expect(JSON.stringify(manifest)).toMatch(/"kind":"vision:spatial-mil"/);
    expect(JSON.stringify(manifest)).toMatch(/"pooling":"lse"/);
    const evaluated = await runCli(["evaluate", model, heldOut, "--json", "--quiet"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.examples).toBe(20);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should rank the MIL head on every cut with explore --head mil", async () => {
    const before = tf.memory().numTensors;
    const explore = ["explore", train, "--from", source, "--folds", "3", "--head", "mil"];
    const r = await runCli([...explore, "--json", "-q"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.mapHead).toBe("mil");
    // 2 cuts × (3 poolings + the MIL head)
    expect(result.ranked).toHaveLength(8);
    const mil = result.ranked.filter((c: { pooling: string }) => c.pooling === "mil");
    expect(mil.map((c: { cut: string }) => c.cut).sort()).toEqual(["early", "zeroed"]);
    const early = mil.find((c: { cut: string }) => c.cut === "early");
    const zeroed = mil.find((c: { cut: string }) => c.cut === "zeroed");
    expect(early.auc.mean).toBeGreaterThan(zeroed.auc.mean);
    expect(zeroed.auc.mean).toBeCloseTo(0.5, 5);
    expect(tf.memory().numTensors).toBe(before);
    const text = await runCli(explore);
    expect(text.stdout).toMatch(/^early\s+mil\s+6\s/m);
    const wrong = await runCli(["explore", train, "--from", source, "--head", "dense"]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(
      /--head dense is not a head of the vision plugin that reads whole feature maps[\s\S]*drop --head/,
    );
  });

  it("should take the cut where the MIL head cross-validated best with --cut auto", async () => {
    const r = await transferMil("auto", 2, join(dir, "model-auto"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /--cut auto chose early for --head mil \(CV AUC [\d.]+ ± [\d.]+ on its unpooled map, 5-fold on 24 examples\)/,
    );
    expect(r.stderr).toMatch(/cut at early \(features \[14, 14, 6\]\)/);
  });

  it("should refuse a pooled cut and name the flag that fixes it", async () => {
    const r = await runCli([
      "transfer",
      train,
      "--from",
      source,
      "--cut",
      "early",
      "--pooling",
      "avg",
      "--head",
      "mil-max",
      "--out",
      join(dir, "pooled"),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--head mil-max scores every location[\s\S]*pooled features \[6\]/);
    expect(r.stderr).toMatch(/--pooling none/);
  });

  it("should list the vision plugin's heads when a head is unknown", async () => {
    const r = await runCli([
      "transfer",
      train,
      "--from",
      source,
      "--head",
      "attention",
      "--out",
      join(dir, "unknown"),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no "attention" head[\s\S]*--head mil/);
  });
});
