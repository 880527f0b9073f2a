import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createRng } from "../../data/random.js";
import { loadEngine } from "../../engine/load-engine.js";
import { acquireDirLock } from "../dir-lock.js";
import { loadModelDir, saveModelDir } from "../model-dir.js";
import { compilePersist } from "./compile-persist.js";
import { predictProbe, tinyManifest } from "./fixtures.js";

// Loads two saved versions, then overwrites `target` with them alternately until killed.
const SAVER = `
import * as tf from "@tensorflow/tfjs";
const [lib, target, refA, refB] = process.argv.slice(2);
const { loadModelDir, saveModelDir } = await import(lib);
await tf.setBackend("cpu");
const versions = [await loadModelDir(refA), await loadModelDir(refB)];
process.stdout.write("ready\\n");
for (let i = 1; ; i++) await saveModelDir(target, versions[i % 2].model, versions[i % 2].manifest);
`;

// Holds the lock of a directory until killed.
const HOLDER = `
const [lib, target] = process.argv.slice(2);
const { acquireDirLock } = await import(lib);
await acquireDirLock(target);
process.stdout.write("ready\\n");
setInterval(() => {}, 1000);
`;

let root: string;
let lib: string;

/** A model with ~1 MB of weights, so a save takes long enough to be interrupted mid-write. */
function wideModel(seed: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [4],
      units: 512,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(tf.layers.batchNormalization());
  model.add(
    tf.layers.dense({
      units: 512,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 3,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
    }),
  );
  return model;
}

function start(script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`child exited early with code ${code}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

beforeAll(async () => {
  await loadEngine();
  root = await mkdtemp(path.join(tmpdir(), "graft-crash-"));
  lib = pathToFileURL(await compilePersist(root)).href;
  await writeFile(path.join(root, "saver.mjs"), SAVER);
  await writeFile(path.join(root, "holder.mjs"), HOLDER);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("saveModelDir under SIGKILL", () => {
  it("should always leave a complete old or new model, whenever the writer is killed", async () => {
    const versions = [wideModel(1), wideModel(10)];
    const expected = versions.map((m) => Array.from(predictProbe(m)));
    expect(expected[0]).not.toEqual(expected[1]);
    const refs = [path.join(root, "ref-a"), path.join(root, "ref-b")];
    const target = path.join(root, "out", "model");
    for (const [i, model] of versions.entries())
      await saveModelDir(refs[i] ?? "", model, tinyManifest());
    await saveModelDir(target, versions[0]!, tinyManifest());

    const rng = createRng(2024);
    const seen = new Set<number>();
    for (let round = 0; round < 6; round++) {
      const child = await start(path.join(root, "saver.mjs"), [lib, target, ...refs]);
      // One save of this model takes ~10-40 ms here; kill anywhere in the first few.
      await new Promise((r) => setTimeout(r, rng.int(120)));
      await kill(child);
      const { model } = await loadModelDir(target);
      const got = Array.from(predictProbe(model));
      model.dispose();
      const which = expected.findIndex((e) => e.every((v, k) => v === got[k]));
      expect(which, `round ${round}: loaded model matches neither version`).toBeGreaterThanOrEqual(
        0,
      );
      seen.add(which);
    }
    // Recovery cleaned every temp and old copy; the dead writer's lock is taken over by the next save.
    expect((await readdir(path.join(root, "out"))).filter((n) => !n.endsWith(".lock"))).toEqual([
      "model",
    ]);
    const lock = await acquireDirLock(target);
    await lock.release();
    versions.forEach((m) => m.dispose());
    expect(seen.size).toBeGreaterThan(0);
  }, 30_000);
});

describe("acquireDirLock across processes", () => {
  it("should refuse while another process writes, then take over once it dies", async () => {
    const target = path.join(root, "shared", "model");
    const holder = await start(path.join(root, "holder.mjs"), [lib, target]);
    await expect(acquireDirLock(target)).rejects.toThrow(
      new RegExp(`another graft process \\(pid ${holder.pid}\\) is writing`),
    );
    await kill(holder);
    const lock = await acquireDirLock(target);
    await lock.release();
  }, 20_000);
});
