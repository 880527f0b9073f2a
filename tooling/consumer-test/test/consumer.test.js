// Packs each published @graft/* package, installs the tarballs with npm into
// fresh projects outside the workspace (no workspace links), and uses them as
// a user would. Fails if a package needs an undeclared dependency, a file
// outside its "files", or a sibling it does not declare.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const work = mkdtempSync(join(tmpdir(), "graft-consumer-"));
const tarballs = {};

// Every command has a deadline: execFileSync blocks the event loop, so vitest's
// own timeouts cannot fire, and a stalled registry would otherwise hang CI.
const DEADLINE_MS = 5 * 60_000;

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
    env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false", npm_config_fetch_timeout: "60000", npm_config_fetch_retries: "1" },
  });
}

/** A fresh npm project with the given tarballs (and @tensorflow/tfjs from the registry). */
function project(name, packages, extra = []) {
  const dir = join(work, name);
  sh("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  sh("npm", ["install", "--no-package-lock", ...packages.map((p) => tarballs[p]), "@tensorflow/tfjs@4.22.0", ...extra], dir);
  return dir;
}

describe("packed packages in a user's project", () => {
  beforeAll(() => {
    const packs = join(work, "packs");
    for (const pkg of ["core", "onnx", "vision", "audio", "cli"]) {
      const out = sh("pnpm", ["pack", "--pack-destination", packs], join(root, "packages", pkg));
      const file = readdirSync(packs).find((f) => f.startsWith(`graft-${pkg}-`));
      expect(file, out).toBeDefined();
      tarballs[pkg] = join(packs, file);
    }
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("should transfer on images with @graft/vision alone", () => {
    const dir = project("vision-only", ["core", "vision"], ["jimp@1.6.1"]);
    expect(existsSync(join(dir, "node_modules/@graft/audio"))).toBe(false);
    copyFileSync(join(here, "../projects/vision-only.mjs"), join(dir, "main.mjs"));
    const out = sh("node", ["main.mjs"], dir);
    expect(out).toMatch(/graft engine: wasm/);
    const accuracy = Number(/vision-only accuracy ([\d.]+)/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThan(0.75);
  });

  it("should compute features and train a wake-word head with @graft/audio alone", () => {
    const dir = project("audio-only", ["core", "onnx", "audio"]);
    expect(existsSync(join(dir, "node_modules/@graft/vision"))).toBe(false);
    copyFileSync(join(here, "../projects/audio-only.mjs"), join(dir, "main.mjs"));
    const out = sh("node", ["main.mjs"], dir);
    expect(Number(/head layers (\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(3);
    expect(Number(/audio-only accuracy ([\d.]+)/.exec(out)?.[1])).toBeGreaterThan(0.75);
  });

  it("should run the packed graft binary", () => {
    const dir = project("cli", ["core", "onnx", "vision", "audio", "cli"]);
    const help = sh(join(dir, "node_modules/.bin/graft"), ["--help"], dir);
    for (const command of ["pretrain", "transfer", "evaluate", "predict", "listen", "advise", "report"]) {
      expect(help).toContain(command);
    }
  });
});
