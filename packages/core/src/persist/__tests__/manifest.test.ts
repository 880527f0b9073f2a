import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ModelFileError } from "../../errors.js";
import { readManifest, validateManifest } from "../manifest.js";

let root: string;

const valid = {
  formatVersion: 1,
  graftVersion: "0.0.0",
  tfjsVersion: "4.22.0",
  engine: "wasm",
  createdAt: "2026-01-01T00:00:00.000Z",
  task: { kind: "binary", labels: ["no", "yes"] },
  backbone: { name: "b", provenance: {}, featureLayer: "f", layerNames: ["f"] },
  head: { spec: { kind: "dense" }, layerNames: ["out"] },
};

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "graft-manifest-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("validateManifest", () => {
  it("should accept a complete manifest", () => {
    expect(validateManifest(valid, "graft.json")).toEqual(valid);
  });

  it("should name a missing field", () => {
    const { backbone, ...rest } = valid;
    expect(() =>
      validateManifest(
        { ...rest, backbone: { ...backbone, featureLayer: undefined } },
        "m/graft.json",
      ),
    ).toThrow(/^m\/graft\.json: graft\.json is missing field "backbone\.featureLayer"/);
    expect(() => validateManifest(rest, "graft.json")).toThrow(/missing field "backbone"/);
  });

  it("should name a field of the wrong type", () => {
    expect(() =>
      validateManifest({ ...valid, task: { kind: "regression", labels: [] } }, "graft.json"),
    ).toThrow(
      /field "task\.kind" should be "multiclass", "binary" or "multilabel", got "regression"/,
    );
    expect(() =>
      validateManifest(
        { ...valid, task: { kind: "binary", labels: ["a", "b", "c"] } },
        "graft.json",
      ),
    ).toThrow(/"task\.labels" should be two labels/);
    expect(() => validateManifest({ ...valid, threshold: "high" }, "graft.json")).toThrow(
      /"threshold" should be a number/,
    );
    const phase = {
      name: "head",
      freeze: "frozen",
      epochs: 2,
      learningRate: 0.01,
      backboneLrMult: 1,
    };
    expect(validateManifest({ ...valid, phases: [phase] }, "graft.json").phases).toEqual([phase]);
    expect(() =>
      validateManifest({ ...valid, phases: [{ ...phase, freeze: { top: 1 } }] }, "graft.json"),
    ).toThrow(
      /"phases" should be a list of \{ name, freeze, epochs, learningRate, backboneLrMult \}/,
    );
  });

  it("should refuse a format newer than supported and say how to upgrade", () => {
    expect(() => validateManifest({ ...valid, formatVersion: 2 }, "graft.json")).toThrow(
      ModelFileError,
    );
    expect(() => validateManifest({ ...valid, formatVersion: 2 }, "graft.json")).toThrow(
      /written by a newer graft \(format 2\).*upgrade @graft\/core/i,
    );
  });
});

describe("readManifest", () => {
  it("should report a missing graft.json with its path", async () => {
    await expect(readManifest(path.join(root, "none"))).rejects.toThrow(
      /none[/\\]graft\.json: graft\.json not found/,
    );
  });

  it("should report malformed JSON with its path", async () => {
    const dir = path.join(root, "bad");
    await mkdir(dir);
    await writeFile(path.join(dir, "graft.json"), '{"formatVersion": 1,');
    await expect(readManifest(dir)).rejects.toThrow(
      /bad[/\\]graft\.json: graft\.json is not valid JSON/,
    );
  });

  it("should read a valid file", async () => {
    const dir = path.join(root, "good");
    await mkdir(dir);
    await writeFile(path.join(dir, "graft.json"), JSON.stringify(valid));
    await expect(readManifest(dir)).resolves.toEqual(valid);
  });
});
