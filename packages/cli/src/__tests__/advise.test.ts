import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir();
const taskA = join(dir, "task-a");
const taskB = join(dir, "task-b");
const modelA = join(dir, "model-a");

beforeAll(async () => {
  await writeImageFolder(
    taskA,
    { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical },
    40,
    { seed: 3, noise: 0.5 },
  );
  await writeImageFolder(
    taskB,
    { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical },
    10,
    { seed: 4, noise: 0.9 },
  );
  const r = await runCli([
    "pretrain",
    taskA,
    "--input-size",
    "16",
    "--width",
    "8",
    "--blocks",
    "2",
    "--epochs",
    "8",
    "--batch-size",
    "16",
    "--lr",
    "0.01",
    "--out",
    modelA,
    "-q",
  ]);
  expect(r.code).toBe(0);
}, 120_000);
afterAll(cleanup);

describe("graft advise", () => {
  it("should say go when A's features help B, with the measured numbers", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli(["advise", taskB, "--from", modelA, "--json", "-q"]);
    expect(r.code).toBe(0);
    const advice = JSON.parse(r.stdout);
    expect(advice.rules.map((x: { status: string }) => x.status)).toEqual(["pass", "warn", "pass"]);
    const arms = advice.rules[2].details.arms;
    expect(arms.map((a: { name: string }) => a.name)).toEqual([
      "A features",
      "random backbone",
      "raw inputs",
    ]);
    expect(arms[0].accuracy).toBeGreaterThanOrEqual(
      Math.max(arms[1].accuracy, arms[2].accuracy) + 0.05,
    );
    expect(
      advice.rules[2].details.learningCurve.map((p: { fraction: number }) => p.fraction),
    ).toEqual([0.1, 0.25, 0.5, 1]);
    expect(advice.verdict).toBe("go");
    const text = await runCli(["advise", taskB, "--from", modelA, "-q"]);
    expect(text.stdout).toMatch(
      /^3\. PASS {2}A's features help B\n {9}test accuracy on \d+ held-out B examples/m,
    );
    expect(text.stdout).toMatch(/learning curve \(A features\): 10% /);
    expect(text.stdout).toMatch(/^verdict: GO: /m);
    expect(tf.memory().numTensors).toBe(before);
  });
});
