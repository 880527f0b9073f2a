import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir("graft-concurrent-");
const data = join(dir, "data");
const out = join(dir, "model");
const bin = fileURLToPath(new URL("../bin.ts", import.meta.url));
// The child runs the CLI from source, so the test needs no build.
const hooks = createRequire(import.meta.url).resolve("@graft/ts-hooks/register");
let child: ChildProcess | undefined;

beforeAll(async () => {
  await writeImageFolder(data, { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical }, 6);
});
afterAll(() => {
  child?.kill("SIGKILL");
  cleanup();
});

const pretrain = (epochs: number) => [
  "pretrain",
  data,
  "--input-size",
  "16",
  "--width",
  "4",
  "--blocks",
  "1",
  "--epochs",
  String(epochs),
  "--batch-size",
  "1",
  "--out",
  out,
];

describe("two trainings into one output folder", () => {
  it("should refuse the second while the first runs, and leave the first intact", async () => {
    child = spawn(
      process.execPath,
      ["--conditions=@graft/source", "--import", hooks, bin, ...pretrain(500)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child?.on("exit", resolve));
    // Wait until the first run is training (it holds the lock from before its first epoch).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child never started training:\n${stderr}`)),
        30_000,
      );
      child?.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/epoch 1\/500/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child?.on("exit", () => reject(new Error(`child exited early:\n${stderr}`)));
    });
    const lockOwner = JSON.parse(readFileSync(`${out}.lock`, "utf8")) as { pid: number };
    expect(lockOwner.pid).toBe(child.pid);

    const second = await runCli(pretrain(1));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `^graft: ModelFileError: .*model\\.lock: another graft process \\(pid ${child.pid}\\) is writing to this model directory`,
        "m",
      ),
    );
    expect(second.stderr).toMatch(
      /^fix: wait for that run to finish or choose another output directory/m,
    );
    // The refused run touched neither the model nor the first run's checkpoint.
    expect(existsSync(out)).toBe(false);

    // Ctrl-C: the first run stops cleanly, keeps its checkpoint and releases the lock.
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/the last checkpoint is kept in .*model\.checkpoint/);
    expect(existsSync(`${out}.lock`)).toBe(false);

    // Now the folder is free for the next run.
    const next = await runCli(pretrain(1));
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(join(out, "graft.json"))).toBe(true);
  }, 60_000);
});
