import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { renderInChromium } from "./fixtures/chromium.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir();
const taskA = join(dir, "task-a");
const taskB = join(dir, "task-b");
const modelA = join(dir, "model-a");
const modelB = join(dir, "model-b");

beforeAll(async () => {
  await writeImageFolder(
    taskA,
    { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical, checker: PATTERNS.checker },
    10,
    { seed: 1 },
  );
  await writeImageFolder(taskB, { blob: PATTERNS.blob, diagonal: PATTERNS.diagonal }, 8, {
    seed: 2,
  });
});
afterAll(cleanup);

describe("graft pretrain → transfer → evaluate → predict (images)", () => {
  it("should pre-train a small CNN on task A and save it", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([
      "pretrain",
      taskA,
      "--plugin",
      "@graft/vision",
      "--input-size",
      "16",
      "--width",
      "4",
      "--blocks",
      "2",
      "--epochs",
      "2",
      "--batch-size",
      "8",
      "--out",
      modelA,
    ]);
    expect(r.stderr).toMatch(/pretrain epoch 2\/2/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pretrain: .*accuracy/m);
    const manifest = JSON.parse(readFileSync(join(modelA, "graft.json"), "utf8"));
    expect(manifest.plugin.name).toBe("vision");
    expect(manifest.task.labels).toEqual(["checker", "horizontal", "vertical"]);
    expect(existsSync(`${modelA}.checkpoint`)).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should transfer to task B with a dense head and a fine-tuning phase", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([
      "transfer",
      taskB,
      "--from",
      modelA,
      "--head",
      "dense:8,dense:8",
      "--epochs",
      "2",
      "--unfreeze",
      "top:1",
      "--fine-tune-epochs",
      "1",
      "--lr-mult",
      "0.1",
      "--batch-size",
      "8",
      "--out",
      modelB,
    ]);
    expect(r.stderr).toMatch(/phase 2\/2 "fine-tune"/);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(modelB, "graft.json"), "utf8"));
    expect(manifest.task).toEqual({ kind: "binary", labels: ["blob", "diagonal"] });
    expect(manifest.backbone.provenance.examples).toBeGreaterThan(0);
    expect(manifest.schedule.map((e: { phase: string }) => e.phase)).toEqual([
      "head",
      "head",
      "fine-tune",
    ]);
    // each phase's freeze policy once, in core's phases; not per epoch, not again in the CLI's extra
    expect(
      manifest.phases.map((p: { name: string; freeze: string }) => `${p.name}:${p.freeze}`),
    ).toEqual(["head:frozen", "fine-tune:top:1"]);
    expect(manifest.schedule.some((e: object) => "freeze" in e)).toBe(false);
    expect(manifest.extra.cli.phases).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should evaluate the transferred model as a table and as JSON", async () => {
    const text = await runCli(["evaluate", modelB, taskB, "--quiet"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/16 examples, accuracy/);
    expect(text.stdout).toMatch(/confusion \(rows: true/);
    const json = await runCli(["evaluate", modelB, taskB, "--json", "--quiet"]);
    const report = JSON.parse(json.stdout);
    expect(report.examples).toBe(16);
    expect(report.confusion).toHaveLength(2);
  });

  it("should predict files and folders, as a table or JSON", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([
      "predict",
      modelB,
      join(taskB, "blob", "0.png"),
      join(taskB, "diagonal"),
      "--json",
      "--quiet",
    ]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(9);
    expect(Object.keys(rows[0].scores).sort()).toEqual(["blob", "diagonal"]);
    const table = await runCli(["predict", modelB, join(taskB, "blob", "1.png"), "--quiet"]);
    expect(table.stdout).toMatch(/^file\s+label\s+score/m);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("graft report (images)", () => {
  const html = join(dir, "report", "vision.html");

  it("should write one self-contained HTML file with every section", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli(["report", modelB, "--out", html, "--gallery", "4", "-q"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const page = readFileSync(html, "utf8");
    for (const id of [
      "model-card",
      "chart-loss",
      "chart-accuracy",
      "confusion",
      "chart-roc",
      "gradcam",
    ])
      expect(page).toContain(`id="${id}"`);
    expect(page).toMatch(/class="phase-marker"/g);
    expect(page.match(/class="phase-marker"/g)?.length).toBeGreaterThanOrEqual(4);
    expect(page).toContain("fine-tune (top:1)");
    // The held-out test part: 20 % of 16 images.
    expect(page.match(/src="data:image\/png;base64,/g)).toHaveLength(3);
    expect(page).toMatch(/class="operating-point"/);
    // Self-contained: no script, no external URL.
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(!existsSync("/usr/bin/chromium"))(
    "should render in headless Chromium without console errors",
    () => {
      const result = renderInChromium(html);
      expect(result.errors).toEqual([]);
      for (const id of ["chart-loss", "chart-accuracy", "chart-roc"])
        expect(result.dom).toMatch(new RegExp(`<svg id="${id}"[^>]*>.*<path class="series"`, "s"));
      expect(result.dom).toMatch(/<table id="confusion"/);
    },
  );
});
