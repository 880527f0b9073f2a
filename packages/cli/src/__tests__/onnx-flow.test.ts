import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { attr, OnnxGraph } from "../../../onnx/src/__tests__/onnx-graph.js";
import { PATTERNS, tempDir, writeImageFolder } from "./fixtures/data.js";
import { writeOnnxImageNet } from "./fixtures/onnx-net.js";
import { runCli } from "./fixtures/run-cli.js";

const { dir, cleanup } = tempDir("graft-onnx-");
const train = join(dir, "train");
const test = join(dir, "test");
const onnxFile = join(dir, "tiny.onnx");
const out = join(dir, "model-b");

beforeAll(async () => {
  const classes = { horizontal: PATTERNS.horizontal, vertical: PATTERNS.vertical };
  await writeImageFolder(train, classes, 12, { seed: 3 });
  await writeImageFolder(test, classes, 10, { seed: 9 });
  writeOnnxImageNet(onnxFile);
});
afterAll(cleanup);

describe("graft transfer --from model.onnx", () => {
  it("should import the ONNX net as the backbone, train a new head and save a model that beats chance", async () => {
    const before = tf.memory().numTensors;
    const r = await runCli([
      "transfer",
      train,
      "--from",
      onnxFile,
      "--cut",
      "features",
      "--epochs",
      "10",
      "--batch-size",
      "8",
      "--lr",
      "0.05",
      "--out",
      out,
    ]);
    expect(r.stderr).toMatch(/source: ONNX model .*tiny\.onnx; cut at features \(features \[8\]\)/);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, "model.json"))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, "graft.json"), "utf8"));
    expect(manifest.task).toEqual({ kind: "binary", labels: ["horizontal", "vertical"] });
    expect(manifest.backbone.provenance.source).toBe(resolve(onnxFile));
    expect(manifest.backbone.provenance.cutAt).toBe("features");
    // The normalisation constants travel with the model as @graft/onnx layers.
    expect(readFileSync(join(out, "model.json"), "utf8")).toMatch(/"class_name":"OnnxConstantOp"/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should evaluate the saved model on unseen images well above chance", async () => {
    const r = await runCli(["evaluate", out, test, "--json", "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.examples).toBe(20);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it("should take the saved model (with its ONNX layers) as --from for a further transfer", async () => {
    const r = await runCli([
      "transfer",
      test,
      "--from",
      out,
      "--epochs",
      "1",
      "--quiet",
      "--out",
      join(dir, "model-c"),
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "model-c", "graft.json"))).toBe(true);
  });

  it("should rank the ONNX net's cut points with graft explore", async () => {
    const r = await runCli([
      "explore",
      train,
      "--from",
      onnxFile,
      "--folds",
      "3",
      "--json",
      "--quiet",
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const cuts = new Set(result.ranked.map((c: { cut: string }) => c.cut));
    expect(cuts.has("features")).toBe(true);
    expect(result.ranked[0].auc.mean).toBeGreaterThan(0.9);
    // The normalised pixels (the earliest cut) carry no orientation a pooled linear probe can see.
    expect(result.ranked.at(-1).cut).toBe("normalise_std");
    expect(result.ranked.at(-1).auc.mean).toBeLessThan(0.7);
  });

  it("should advise on the ONNX source: image input, and its features beat raw pixels", async () => {
    const r = await runCli(["advise", train, "--from", onnxFile, "--cut", "features", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /1\. PASS +A and B take the same kind of input\n +A takes tensor \[16, 16, 3\]; B is images/,
    );
    expect(r.stdout).toMatch(/3\. PASS +A's features help B/);
  });

  it("should name the file and the fix when the .onnx is missing, not ONNX, or uses an unsupported op", async () => {
    const missing = await runCli([
      "transfer",
      train,
      "--from",
      join(dir, "nope.onnx"),
      "--out",
      join(dir, "x"),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /--from .*nope\.onnx: no such file or directory\.\nfix: .*ONNX model file \(\.onnx\)/,
    );

    const garbage = join(dir, "garbage.onnx");
    writeFileSync(garbage, "this is not protobuf");
    const bad = await runCli(["transfer", train, "--from", garbage, "--out", join(dir, "x")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /ModelFileError: .*garbage\.onnx is not an ONNX model.*\nfix: Pass the bytes of a \.onnx file/,
    );

    const g = new OnnxGraph();
    const conv = g.node(
      "Conv",
      [
        g.input("x", ["N", 3, 16, 16]),
        g.initializer("w", [2, 3, 3, 3], new Float32Array(54).fill(0.1)),
      ],
      { pads: attr.ints([1, 1, 1, 1]) },
    );
    g.output(g.node("Erf", [conv], {}, { name: "gelu_erf" }));
    const erf = join(dir, "erf.onnx");
    writeFileSync(erf, g.encode());
    const unsupported = await runCli(["transfer", train, "--from", erf, "--out", join(dir, "x")]);
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr).toMatch(
      /erf\.onnx: the ONNX model uses an op .*Erf \(node "gelu_erf"\)\. Supported ops: Add, .*\nfix: Re-export/,
    );
    expect(existsSync(join(dir, "x"))).toBe(false);
  });
});
