import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadEngine } from "../../engine/load-engine.js";
import { ModelFileError } from "../../errors.js";
import { writeDirAtomically } from "../atomic-dir.js";
import { acquireDirLock } from "../dir-lock.js";
import { fileSystem } from "../file-io.js";
import { loadModelDir, saveModelDir } from "../model-dir.js";
import { predictProbe, tinyManifest, tinyModel } from "./fixtures.js";

let root: string;
/** A pid that belonged to a process that has exited. */
let deadPid: number;

beforeAll(async () => {
  await loadEngine();
  root = await mkdtemp(path.join(tmpdir(), "graft-model-dir-"));
  deadPid = spawnSync(process.execPath, ["-e", ""]).pid ?? 999_999;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("saveModelDir / loadModelDir", () => {
  it("should round-trip the model and graft.json, filling versions", async () => {
    const before = tf.memory().numTensors;
    const dir = path.join(root, "roundtrip");
    const model = tinyModel(1);
    const written = await saveModelDir(dir, model, tinyManifest());
    expect(written).toMatchObject({
      formatVersion: 1,
      tfjsVersion: tf.version.tfjs,
      engine: tf.getBackend(),
    });
    expect(written.graftVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect((await readdir(dir)).sort()).toEqual(["graft.json", "model.json", "weights.bin"]);
    const { model: loaded, manifest } = await loadModelDir(dir);
    expect(manifest).toEqual(written);
    expect(Array.from(predictProbe(loaded))).toEqual(Array.from(predictProbe(model)));
    // Plain TF.js reads the same directory without graft.json.
    const plain = await tf.loadLayersModel(fileSystem(dir));
    expect(Array.from(predictProbe(plain))).toEqual(Array.from(predictProbe(model)));
    for (const m of [model, loaded, plain]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect((await readdir(root)).filter((n) => n.startsWith("roundtrip"))).toEqual(["roundtrip"]);
  });

  it("should replace an existing model and leave no temp or lock files", async () => {
    const dir = path.join(root, "replace");
    const [a, b] = [tinyModel(2), tinyModel(3)];
    await saveModelDir(dir, a, tinyManifest());
    await saveModelDir(dir, b, { ...tinyManifest(), threshold: 0.7 });
    const { model, manifest } = await loadModelDir(dir);
    expect(manifest.threshold).toBe(0.7);
    expect(Array.from(predictProbe(model))).toEqual(Array.from(predictProbe(b)));
    expect((await readdir(root)).filter((n) => n.startsWith("replace"))).toEqual(["replace"]);
    for (const m of [a, b, model]) m.dispose();
  });

  it("should refuse an invalid manifest before touching the directory", async () => {
    const model = tinyModel(4);
    const bad = {
      ...tinyManifest(),
      task: { kind: "binary", labels: ["only"] },
    } as unknown as ReturnType<typeof tinyManifest>;
    await expect(saveModelDir(path.join(root, "invalid"), model, bad)).rejects.toThrow(
      /"task\.labels" should be two labels/,
    );
    await expect(readdir(path.join(root, "invalid"))).rejects.toThrow(/ENOENT/);
    model.dispose();
  });

  it("should say when the directory does not exist", async () => {
    await expect(loadModelDir(path.join(root, "nowhere"))).rejects.toThrow(
      /nowhere: model directory not found/,
    );
  });

  it("should refuse a model saved by a newer graft", async () => {
    const dir = path.join(root, "newer");
    const model = tinyModel(5);
    await saveModelDir(dir, model, tinyManifest());
    model.dispose();
    const json = JSON.parse(await readFile(path.join(dir, "graft.json"), "utf8")) as Record<
      string,
      unknown
    >;
    await writeFile(path.join(dir, "graft.json"), JSON.stringify({ ...json, formatVersion: 3 }));
    await expect(loadModelDir(dir)).rejects.toThrow(
      /graft\.json: written by a newer graft \(format 3\).*Upgrade @graft\/core/,
    );
  });

  it("should restore the old model after a crash between the two renames", async () => {
    const dir = path.join(root, "crashed");
    const model = tinyModel(6);
    await saveModelDir(dir, model, tinyManifest());
    // What a writer killed after moving the old model aside leaves behind.
    await rename(dir, `${dir}.prev-${deadPid}-0badc0de`);
    await mkdir(`${dir}.tmp-${deadPid}-0badc0de`);
    await writeFile(`${dir}.tmp-${deadPid}-0badc0de/weights.bin`, "partial");
    const { model: loaded } = await loadModelDir(dir);
    expect(Array.from(predictProbe(loaded))).toEqual(Array.from(predictProbe(model)));
    expect((await readdir(root)).filter((n) => n.startsWith("crashed"))).toEqual(["crashed"]);
    model.dispose();
    loaded.dispose();
  });

  it("should remove the temp dir and keep the old model when the writer throws", async () => {
    const dir = path.join(root, "throws");
    await writeDirAtomically(dir, (tmp) => writeFile(path.join(tmp, "a.txt"), "old"));
    await expect(
      writeDirAtomically(dir, async (tmp) => {
        await writeFile(path.join(tmp, "a.txt"), "new");
        throw new Error("disk full");
      }),
    ).rejects.toThrow(/disk full/);
    expect(await readFile(path.join(dir, "a.txt"), "utf8")).toBe("old");
    expect((await readdir(root)).filter((n) => n.startsWith("throws"))).toEqual(["throws"]);
  });
});

describe("acquireDirLock", () => {
  it("should refuse while another live process holds the lock, naming its pid", async () => {
    const dir = path.join(root, "locked");
    const other = process.ppid;
    await writeFile(
      `${dir}.lock`,
      JSON.stringify({ pid: other, hostname: (await import("node:os")).hostname(), token: "t" }),
    );
    await expect(acquireDirLock(dir)).rejects.toThrow(ModelFileError);
    await expect(acquireDirLock(dir)).rejects.toThrow(
      new RegExp(`another graft process \\(pid ${other}\\) is writing`),
    );
    const model = tinyModel(7);
    await expect(saveModelDir(dir, model, tinyManifest())).rejects.toThrow(/pid \d+/);
    model.dispose();
  });

  it("should take over a lock left by a dead process and release it", async () => {
    const dir = path.join(root, "stale");
    await writeFile(
      `${dir}.lock`,
      JSON.stringify({
        pid: deadPid,
        hostname: (await import("node:os")).hostname(),
        token: "old",
      }),
    );
    const lock = await acquireDirLock(dir);
    const owner = JSON.parse(await readFile(lock.path, "utf8")) as { pid: number };
    expect(owner.pid).toBe(process.pid);
    // Re-entrant: the holder can still save into the directory.
    const again = await acquireDirLock(dir);
    await again.release();
    expect(JSON.parse(await readFile(lock.path, "utf8"))).toEqual(owner);
    await lock.release();
    await expect(readFile(lock.path)).rejects.toThrow(/ENOENT/);
  });
});
