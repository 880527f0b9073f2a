import { join } from "node:path";

import { loadPredictor, ModelFileError, readManifest } from "@graft/core";
import { describe, expect, it } from "vitest";

import {
  BAD_IMAGES,
  CASE_MS,
  expectClearError,
  expectCliError,
  rejectionOf,
} from "./fixtures/bad-inputs/expect-errors.js";
import { useBadInputCorpus } from "./fixtures/bad-inputs/use-corpus.js";
import { runCli } from "./fixtures/run-cli.js";

const bad = useBadInputCorpus();
const { dir } = bad;
const model = join(dir, "model");

describe("bad-input corpus: saved models (library)", () => {
  it.each([
    ["malformed", /not valid JSON/],
    ["newer", /newer graft \(format 99\)/],
    ["notObject", /must hold a JSON object/],
  ] as const)(
    "should refuse a %s graft.json with a ModelFileError",
    async (name, message) => {
      const dir = bad.corpus.models[name];
      for (const load of [readManifest, loadPredictor]) {
        const error = await rejectionOf(load(dir));
        expectClearError(error, join(dir, "graft.json"), ModelFileError);
        expect((error as Error).message).toMatch(message);
      }
    },
    CASE_MS,
  );
});

describe("bad-input corpus: graft CLI", () => {
  const train = (data: string, out: string, extra: string[] = []) =>
    runCli([
      "pretrain",
      data,
      "--input-size",
      "8",
      "--width",
      "4",
      "--blocks",
      "1",
      "--epochs",
      "1",
      "--batch-size",
      "4",
      "--out",
      out,
      ...extra,
    ]);

  it("should train on a clean folder (the model the cases below use)", async () => {
    const r = await train(bad.corpus.sets.imagesGood, model);
    expect(r.code, r.stderr).toBe(0);
  }, 20_000);

  it.each([
    [
      "a folder with bad images",
      () => bad.corpus.sets.imagesWithBadFiles,
      () => /3 of 9 image\(s\)/,
    ],
    [
      "an empty class folder",
      () => bad.corpus.sets.imagesEmptyClass,
      () => join(bad.corpus.sets.imagesEmptyClass, "c"),
    ],
    ["a one-class folder", () => bad.corpus.sets.imagesOneClass, () => /found 1 class/],
    [
      "a manifest reaching outside its folder",
      () => bad.corpus.sets.imageManifestOutside,
      () => bad.corpus.sets.imageManifestOutside,
    ],
    [
      "audio with a truncated WAV",
      () => bad.corpus.sets.audioWithBadFiles,
      () => join(bad.corpus.sets.audioWithBadFiles, "b", "truncated.wav"),
    ],
    ["a one-class audio folder", () => bad.corpus.sets.audioOneClass, () => /found 1 class \(a\)/],
    [
      "an audio manifest reaching outside its folder",
      () => bad.corpus.sets.audioManifestOutside,
      () => bad.corpus.sets.audioManifestOutside,
    ],
  ])(
    "should refuse to pretrain on %s with exit code 1 and one line",
    async (_, data, file) => {
      const r = await train(data(), join(dir, "never"));
      expectCliError(r, file());
    },
    CASE_MS,
  );

  it.each(BAD_IMAGES)(
    "should refuse to predict on a %s with exit code 1",
    async (name) => {
      const file = bad.corpus.badImages[name] as string;
      expectCliError(await runCli(["predict", model, bad.corpus.validImages.png, file]), file);
    },
    CASE_MS,
  );

  it(
    "should predict valid PNG, JPEG and BMP files",
    async () => {
      const { png, jpeg, bmp } = bad.corpus.validImages;
      const r = await runCli(["predict", model, png, jpeg, bmp, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveLength(3);
    },
    CASE_MS,
  );

  it(
    "should refuse to evaluate on labels the model was not trained on",
    async () => {
      const r = await runCli(["evaluate", model, bad.corpus.sets.imagesOtherLabels]);
      expectCliError(r, /classes the model does not know: z \(model: a, b\)/);
    },
    CASE_MS,
  );

  it.each(["malformed", "newer", "notObject"] as const)(
    "should refuse a %s graft.json with exit code 1",
    async (name) => {
      const modelDir = bad.corpus.models[name];
      for (const argv of [
        ["predict", modelDir, bad.corpus.validImages.png],
        ["evaluate", modelDir, bad.corpus.sets.imagesGood],
      ]) {
        expectCliError(await runCli(argv), join(modelDir, "graft.json"));
      }
    },
    CASE_MS,
  );
});
