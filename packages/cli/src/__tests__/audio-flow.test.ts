import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  chirp,
  noise,
  PATTERNS,
  rng,
  tempDir,
  tone,
  wavBytes,
  writeImageFolder,
} from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir("graft-cli-audio-");
const taskA = join(dir, "speech");
const taskB = join(dir, "wake");
const images = join(dir, "images");
const modelA = join(dir, "model-a");
const modelB = join(dir, "model-b");
const stream = join(dir, "stream.wav");
const negative = join(dir, "negative.wav");
const RATE = 16000;

function writeClips(
  root: string,
  classes: Record<string, (random: () => number) => Float32Array>,
  perClass: number,
  seed: number,
): void {
  const random = rng(seed);
  for (const [name, make] of Object.entries(classes)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++)
      writeFileSync(join(root, name, `${i}.wav`), wavBytes(make(random)));
  }
}

/** 1 s: a rising chirp in the middle of low noise. */
function wakeClip(random: () => number): Float32Array {
  const out = noise(RATE, random, 0.05);
  const c = chirp(600, 3000, 0.5, random);
  out.set(c, Math.round(0.25 * RATE));
  return out;
}

beforeAll(async () => {
  writeClips(
    taskA,
    { low: (r) => tone(300, 1, r), mid: (r) => tone(1200, 1, r), high: (r) => tone(3000, 1, r) },
    8,
    1,
  );
  writeClips(
    taskB,
    {
      wake: wakeClip,
      other: (r) => (r() < 0.5 ? noise(RATE, r, 0.3) : tone(200 + 2000 * r(), 1, r)),
    },
    10,
    2,
  );
  const random = rng(9);
  const long = noise(8 * RATE, random, 0.05);
  long.set(wakeClip(random), 2 * RATE);
  long.set(wakeClip(random), 5 * RATE);
  writeFileSync(stream, wavBytes(long));
  writeFileSync(negative, wavBytes(noise(6 * RATE, random, 0.2)));
  await writeImageFolder(
    images,
    { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical },
    4,
  );
}, 60_000);
afterAll(cleanup);

describe("graft pretrain → transfer → evaluate → listen (audio)", () => {
  it("should pre-train a speech backbone on tones", async () => {
    const r = await runCli([
      "pretrain",
      taskA,
      "--width",
      "8",
      "--blocks",
      "1",
      "--epochs",
      "3",
      "--batch-size",
      "8",
      "--lr",
      "0.01",
      "--out",
      modelA,
    ]);
    expect(r.stderr).toMatch(/pretrain epoch 3\/3/);
    expect(r.code).toBe(0);
  });

  it("should transfer to a wake word with a wake-word head and measure false accepts", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([
      "transfer",
      taskB,
      "--from",
      modelA,
      "--head",
      "wake-word:16",
      "--positive",
      "wake",
      "--epochs",
      "30",
      "--lr",
      "0.01",
      "--batch-size",
      "8",
      "--negatives",
      negative,
      "--out",
      modelB,
    ]);
    expect(r.code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const e = await runCli(["evaluate", modelB, taskB, "--negatives", negative, "--json", "-q"]);
    expect(e.code).toBe(0);
    const report = JSON.parse(e.stdout);
    expect(report.wakeWord.negativeSeconds).toBeCloseTo(6, 1);
    expect(report.wakeWord).toHaveProperty("faPerHour");
    expect(report.wakeWord).toHaveProperty("frr");
  });

  it("should listen to a long recording and print detections with timestamps", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli(["listen", modelB, stream, "--json", "-q"]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.seconds).toBeCloseTo(8, 3);
    const times = result.detections.map((d: { time: number }) => d.time);
    expect(times.some((t: number) => t > 2 && t < 3.5)).toBe(true);
    expect(times.some((t: number) => t > 5 && t < 6.5)).toBe(true);
    const text = await runCli(["listen", modelB, stream, "-q"]);
    expect(text.stdout).toMatch(/^00:00:0\d\.\d{3} {2}wake {2}score/m);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should say no-go when A takes audio and B is images", async () => {
    const r = await runCli(["advise", images, "--from", modelA, "-q"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\. FAIL/m);
    expect(r.stdout).toMatch(/^verdict: NO-GO/m);
  });
});

describe("graft report (wake word)", () => {
  it("should write a DET curve and playable false-alarm snippets", async () => {
    const html = join(dir, "wake-report.html");
    const r = await runCli(["report", modelB, "--out", html, "-q"]);
    expect(r.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    const page = readFileSync(html, "utf8");
    for (const id of ["model-card", "chart-loss", "confusion", "chart-det", "false-alarms"])
      expect(page).toContain(`id="${id}"`);
    expect(page).toMatch(/false alarms? at threshold/);
    expect(page).not.toContain('id="chart-roc"');
    // The stream holds two wake words: as "negatives" they must show up as playable snippets.
    const withAlarms = await runCli(["report", modelB, "--out", html, "--negatives", stream, "-q"]);
    expect(withAlarms.code).toBe(0);
    expect(readFileSync(html, "utf8")).toMatch(
      /<audio controls preload="none" src="data:audio\/wav;base64,/,
    );
  });
});
