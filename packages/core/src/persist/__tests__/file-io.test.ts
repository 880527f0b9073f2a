import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadEngine } from "../../engine/load-engine.js";
import { ModelFileError } from "../../errors.js";
import { fileSystem, loadLayersModelFromDir } from "../file-io.js";
import { predictProbe, tinyModel } from "./fixtures.js";

let root: string;

beforeAll(async () => {
  await loadEngine();
  root = await mkdtemp(path.join(tmpdir(), "graft-file-io-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("fileSystem", () => {
  it("should save a model that plain tf.loadLayersModel restores with identical predictions", async () => {
    const before = tf.memory().numTensors;
    const dir = path.join(root, "roundtrip");
    const model = tinyModel(1);
    await model.save(fileSystem(dir));
    const loaded = await tf.loadLayersModel(fileSystem(dir));
    expect(Array.from(predictProbe(loaded))).toEqual(Array.from(predictProbe(model)));
    expect(
      loaded
        .getLayer("bn_a")
        .getWeights()
        .map((w) => w.shape),
    ).toEqual([[6], [6], [6], [6]]);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should write the standard TF.js Layers model.json", async () => {
    const dir = path.join(root, "format");
    const model = tinyModel(2);
    await model.save(fileSystem(dir));
    const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(json["format"]).toBe("layers-model");
    expect(json["generatedBy"]).toMatch(/TensorFlow\.js tfjs-layers/);
    expect(json).toHaveProperty("convertedBy", null);
    expect(json).toHaveProperty("modelTopology.class_name", "Sequential");
    const manifest = json["weightsManifest"] as { paths: string[]; weights: { name: string }[] }[];
    expect(manifest[0]?.paths).toEqual(["weights.bin"]);
    expect(manifest[0]?.weights.map((w) => w.name)).toContain("bn_a/moving_variance");
    // 4×6 + 6 (dense) + 4×6 (bn) + 6×3 + 3 (out) float32 values.
    expect((await readFile(path.join(dir, "weights.bin"))).byteLength).toBe(
      (24 + 6 + 24 + 18 + 3) * 4,
    );
    model.dispose();
  });

  it("should read sharded weights and user metadata written by other tools", async () => {
    const dir = path.join(root, "sharded");
    const model = tinyModel(3);
    await model.save(fileSystem(dir));
    const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as {
      weightsManifest: { paths: string[] }[];
    };
    const bin = await readFile(path.join(dir, "weights.bin"));
    const cut = 100;
    await writeFile(path.join(dir, "group1-shard1of2.bin"), bin.subarray(0, cut));
    await writeFile(path.join(dir, "group1-shard2of2.bin"), bin.subarray(cut));
    json.weightsManifest[0]!.paths = ["group1-shard1of2.bin", "group1-shard2of2.bin"];
    Object.assign(json, {
      userDefinedMetadata: { note: "hello" },
      convertedBy: "TensorFlow.js Converter v4",
    });
    await writeFile(path.join(dir, "model.json"), JSON.stringify(json));
    await rm(path.join(dir, "weights.bin"));

    const artifacts = await fileSystem(dir).load!();
    expect(artifacts.userDefinedMetadata).toEqual({ note: "hello" });
    expect(artifacts.convertedBy).toBe("TensorFlow.js Converter v4");
    const loaded = await loadLayersModelFromDir(dir);
    expect(Array.from(predictProbe(loaded))).toEqual(Array.from(predictProbe(model)));
    model.dispose();
    loaded.dispose();
  });

  it("should name the path when model.json is missing or malformed", async () => {
    const dir = path.join(root, "broken");
    await expect(tf.loadLayersModel(fileSystem(dir))).rejects.toThrow(
      /broken[/\\]model\.json: model\.json not found/,
    );
    await writeFile(path.join(root, "model.json"), "{ not json");
    await expect(fileSystem(root).load!()).rejects.toThrow(ModelFileError);
    await expect(fileSystem(root).load!()).rejects.toThrow(
      /model\.json: model\.json is not valid JSON/,
    );
    await writeFile(path.join(root, "model.json"), JSON.stringify({ weightsManifest: [] }));
    await expect(fileSystem(root).load!()).rejects.toThrow(/has no modelTopology/);
  });

  it("should refuse weight paths that leave the model directory", async () => {
    const dir = path.join(root, "escape");
    const model = tinyModel(5);
    await model.save(fileSystem(dir));
    model.dispose();
    const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as {
      weightsManifest: { paths: string[] }[];
    };
    json.weightsManifest[0]!.paths = ["../roundtrip/weights.bin"];
    await writeFile(path.join(dir, "model.json"), JSON.stringify(json));
    await expect(fileSystem(dir).load!()).rejects.toThrow(/lies outside the model directory/);
  });

  it("should name the shard that is missing or short", async () => {
    const dir = path.join(root, "short");
    const model = tinyModel(4);
    await model.save(fileSystem(dir));
    model.dispose();
    await truncate(path.join(dir, "weights.bin"), 50);
    await expect(fileSystem(dir).load!()).rejects.toThrow(
      /short[/\\]weights\.bin: weight files are too short: expected 300 bytes for 8 weights, found 50/,
    );
    await rm(path.join(dir, "weights.bin"));
    await expect(fileSystem(dir).load!()).rejects.toThrow(
      /weights\.bin: weight file "weights\.bin" listed in model\.json cannot be read \(ENOENT\)/,
    );
  });
});
