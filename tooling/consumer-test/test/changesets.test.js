// Runs `changeset version` on a copy of the workspace's manifests and
// changesets, to check the release configuration produces what we intend:
// core and the plugins move together, peers do not force major bumps, and
// private packages (examples, tooling) are never versioned.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const copy = mkdtempSync(join(tmpdir(), "graft-changesets-"));
const published = ["core", "onnx", "vision", "audio", "cli"];

const version = (dir) => JSON.parse(readFileSync(join(copy, dir, "package.json"), "utf8")).version;

describe("changeset version (dry run on a copy)", () => {
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("should bump the fixed group together, write changelogs and leave private packages alone", () => {
    for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset"]) cpSync(join(root, file), join(copy, file), { recursive: true });
    // changesets formats changelogs with the workspace's prettier config, resolved from node_modules.
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    const workspaces = ["packages", "examples", "tooling"].flatMap((top) =>
      existsSync(join(root, top)) ? readdirSync(join(root, top)).map((name) => join(top, name)) : [],
    );
    for (const dir of workspaces) {
      if (existsSync(join(root, dir, "package.json"))) cpSync(join(root, dir, "package.json"), join(copy, dir, "package.json"));
    }
    const before = Object.fromEntries(workspaces.filter((d) => existsSync(join(copy, d, "package.json"))).map((d) => [d, version(d)]));
    const pending = readdirSync(join(root, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
    execFileSync(join(root, "node_modules/.bin/changeset"), ["version"], { cwd: copy, stdio: "pipe" });

    const versions = published.map((p) => version(`packages/${p}`));
    expect(new Set(versions).size).toBe(1);
    if (pending.length > 0) {
      expect(versions[0]).not.toBe(before["packages/core"]);
      // Minor bumps stay minor: no peer-dependent major bump of the plugins.
      expect(versions[0]?.split(".")[0]).toBe(before["packages/core"]?.split(".")[0]);
      for (const p of published) expect(readFileSync(join(copy, "packages", p, "CHANGELOG.md"), "utf8")).toMatch(/^# @graft\//);
    }
    for (const dir of Object.keys(before).filter((d) => !d.startsWith("packages/") || d === "packages/test-utils")) {
      expect(version(dir), dir).toBe(before[dir]);
    }
  });
});
