import { join } from "node:path";

import {
  DataError,
  type GraftError,
  loadEngine,
  loadPredictor,
  ModelFileError,
  readManifest,
} from "@graft/core";
import {
  audioPreprocessor,
  decodeWav,
  readAudioFolder,
  readAudioManifest,
  resample,
} from "@graft/audio";
import { decodeImage, imagePreprocessor, readImageFolder, readImageManifest } from "@graft/vision";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  CLIP_SECONDS,
  generateBadInputs,
  IMAGE_SIDE,
  type BadInputCorpus,
} from "./fixtures/bad-inputs/generate.js";
import { tempDir } from "./fixtures/data.js";
import { runCli, type CliResult } from "./fixtures/run-cli.js";

// Every case must settle well within this: a hang fails the case instead of the run.
const CASE_MS = 10_000;

const { dir, cleanup } = tempDir("graft-bad-inputs-");
let corpus: BadInputCorpus;
const model = join(dir, "model");

beforeAll(async () => {
  corpus = await generateBadInputs(join(dir, "corpus"));
  await loadEngine();
}, 30_000);
afterAll(cleanup);

/** The rejection of `promise`; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the call succeeded");
}

/** A GraftError whose message names `file` and which carries a fix. */
function expectClearError(error: unknown, file: string, kind: typeof GraftError = DataError): void {
  expect(error).toBeInstanceOf(kind);
  expect((error as Error).message).toContain(file);
  expect((error as GraftError).fix).toMatch(/\w{3}/);
}

/** Exit code 1 or 2, one `graft:` line naming `file`, a `fix:` line, no stack trace. */
function expectCliError(r: CliResult, file: string | RegExp, code = 1): void {
  expect(r.code, r.stderr).toBe(code);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("graft: "));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toMatch(/unexpected error/);
  if (typeof file === "string") expect(errors[0]).toContain(file);
  else expect(errors[0]).toMatch(file);
  expect(r.stderr).toMatch(/^fix: \S/m);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

const BAD_IMAGES = [
  "truncated PNG",
  "PNG cut inside its header",
  "corrupt PNG (IDAT bytes flipped)",
  "truncated JPEG",
  "corrupt JPEG (no frame header)",
  "truncated BMP",
  "corrupt BMP (7 bits per pixel)",
  "zero-byte PNG",
  "zero-byte JPEG",
  "text file named .png",
  "PNG declaring 100000×100000",
  "PNG declaring 20000×20000",
  "JPEG declaring 60000×60000",
  "BMP declaring 30000×30000",
];

describe("bad-input corpus: images (library)", () => {
  it.each(["png", "jpeg", "bmp"] as const)(
    "should decode a valid %s to the right shape",
    async (format) => {
      const file = corpus.validImages[format];
      const image = await decodeImage(file);
      expect([image.bitmap.width, image.bitmap.height]).toEqual([IMAGE_SIDE, IMAGE_SIDE]);
      const x = await imagePreprocessor({ height: 8, width: 8 }).process([file]);
      expect(x.shape).toEqual([1, 8, 8, 3]);
      x.dispose();
    },
    CASE_MS,
  );

  it("should cover every kind of damaged image", () => {
    expect(Object.keys(corpus.badImages).sort()).toEqual([...BAD_IMAGES].sort());
  });

  it.each(BAD_IMAGES)(
    "should reject a %s with a DataError naming the file",
    async (name) => {
      const file = corpus.badImages[name] as string;
      const rss = process.memoryUsage().rss;
      expectClearError(await rejectionOf(decodeImage(file)), file);
      const preprocessor = imagePreprocessor({ height: 8, width: 8 });
      expectClearError(await rejectionOf(preprocessor.process([file])), file);
      // Huge declared sizes are refused from the header, before any pixel buffer exists.
      expect(process.memoryUsage().rss - rss).toBeLessThan(200e6);
    },
    CASE_MS,
  );

  it("should name every bad file of a folder in one DataError", async () => {
    const { imagesWithBadFiles: root } = corpus.sets;
    const error = await rejectionOf(readImageFolder(root));
    expect(error).toBeInstanceOf(DataError);
    for (const f of [join("a", "truncated.png"), join("b", "text.png"), join("b", "empty.png")])
      expect((error as Error).message).toContain(join(root, f));
    expect((error as GraftError).fix).toMatch(/skipInvalid/);
  });

  it("should reject an empty class folder and a one-class folder", async () => {
    const { imagesEmptyClass, imagesOneClass } = corpus.sets;
    expectClearError(
      await rejectionOf(readImageFolder(imagesEmptyClass)),
      join(imagesEmptyClass, "c"),
    );
    expectClearError(await rejectionOf(readImageFolder(imagesOneClass)), imagesOneClass);
  });

  it("should reject a manifest path that climbs out of the manifest's folder", async () => {
    const { imageManifestOutside: manifest, imageManifestAbsolute } = corpus.sets;
    const error = await rejectionOf(readImageManifest(manifest));
    expectClearError(error, manifest);
    expect((error as Error).message).toMatch(/row 3 "\.\.\/secret\.png"/);
    const allowed = await readImageManifest(manifest, { allowOutside: true });
    expect(allowed.files).toHaveLength(3);
    // An absolute path says where it points: accepted.
    const absolute = await readImageManifest(imageManifestAbsolute);
    expect(absolute.files.at(-1)).toMatch(/secret\.png$/);
  });
});

describe("bad-input corpus: audio (library)", () => {
  it.each([
    ["pcm8", 1],
    ["pcm16", 1],
    ["pcm24", 1],
    ["pcm32", 1],
    ["float32", 1],
    ["float64", 1],
    ["stereo", 2],
    ["surround-5.1", 6],
    ["rate-8k", 1],
    ["rate-44k1", 1],
    ["riff-size-wrong", 1],
  ] as const)(
    "should decode %s and down-mix its %i channel(s) to mono",
    async (name, channels) => {
      const wav = corpus.validWavs[name];
      if (!wav) throw new Error(`no ${name} in the corpus`);
      const decoded = await decodeWav(wav.path);
      expect(decoded.channels).toBe(channels);
      expect(decoded.sampleRate).toBe(wav.sampleRate);
      expect(decoded.samples.length).toBe(Math.round(CLIP_SECONDS * wav.sampleRate));
      // The generator puts a 0.5-amplitude sine on channel 0 and silence on the others.
      expect(peak(decoded.samples)).toBeCloseTo(0.5 / channels, 2);
    },
    CASE_MS,
  );

  it("should keep silent audio silent and clip loud audio to [-1, 1]", async () => {
    const validWavs = corpus.validWavs;
    expect(peak((await decodeWav(validWavs["silent"]?.path ?? "")).samples)).toBe(0);
    expect(peak((await decodeWav(validWavs["clipped"]?.path ?? "")).samples)).toBeCloseTo(1, 3);
    const over = await decodeWav(validWavs["clipped-float-over-full-scale"]?.path ?? "");
    expect(peak(over.samples)).toBe(1);
  });

  it("should resample 8 kHz and 44.1 kHz files to the model's rate", async () => {
    const preprocessor = audioPreprocessor({ clipSeconds: CLIP_SECONDS });
    const wavs = ["rate-8k", "rate-44k1", "pcm16", "surround-5.1", "silent"].map(
      (n) => corpus.validWavs[n]?.path ?? "",
    );
    const x = await preprocessor.process(wavs);
    const { frames, bands } = preprocessor.spec;
    expect(x.shape).toEqual([5, frames, bands, 1]);
    const values = await x.data();
    x.dispose();
    expect(values.every(Number.isFinite)).toBe(true);
    const slow = await decodeWav(corpus.validWavs["rate-8k"]?.path ?? "");
    const up = resample(slow.samples, 8000, 16000);
    expect(up.length).toBe(Math.round(CLIP_SECONDS * 16000));
    expect(peak(up)).toBeCloseTo(0.5, 1);
  });

  it.each([
    "truncated WAV",
    "WAV cut inside its header",
    "zero-byte WAV",
    "text file named .wav",
    "WAV whose data chunk claims more than the file",
    "WAV whose fmt chunk size is wrong",
    "WAV with an odd data size (half a sample)",
  ])(
    "should reject a %s with a DataError naming the file",
    async (name) => {
      const file = corpus.badWavs[name] as string;
      expectClearError(await rejectionOf(decodeWav(file)), file);
      const preprocessor = audioPreprocessor({ clipSeconds: CLIP_SECONDS });
      expectClearError(await rejectionOf(preprocessor.process([file])), file);
    },
    CASE_MS,
  );

  it("should skip an empty class folder and list a one-class folder (the CLI rejects it)", async () => {
    expect((await readAudioFolder(corpus.sets.audioEmptyClass)).labels).toEqual(["a", "b"]);
    expect((await readAudioFolder(corpus.sets.audioOneClass)).labels).toEqual(["a"]);
  });

  it("should reject a manifest path that climbs out of the manifest's folder", async () => {
    const manifest = corpus.sets.audioManifestOutside;
    const error = await rejectionOf(readAudioManifest(manifest));
    expectClearError(error, manifest);
    expect((error as Error).message).toMatch(/row 2 "\.\.\/secret\.wav"/);
    expect((await readAudioManifest(manifest, { allowOutside: true })).items).toHaveLength(2);
  });
});

describe("bad-input corpus: saved models (library)", () => {
  it.each([
    ["malformed", /not valid JSON/],
    ["newer", /newer graft \(format 99\)/],
    ["notObject", /must hold a JSON object/],
  ] as const)(
    "should refuse a %s graft.json with a ModelFileError",
    async (name, message) => {
      const dir = corpus.models[name];
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
    const r = await train(corpus.sets.imagesGood, model);
    expect(r.code, r.stderr).toBe(0);
  }, 20_000);

  it.each([
    ["a folder with bad images", () => corpus.sets.imagesWithBadFiles, () => /3 of 9 image\(s\)/],
    [
      "an empty class folder",
      () => corpus.sets.imagesEmptyClass,
      () => join(corpus.sets.imagesEmptyClass, "c"),
    ],
    ["a one-class folder", () => corpus.sets.imagesOneClass, () => /found 1 class/],
    [
      "a manifest reaching outside its folder",
      () => corpus.sets.imageManifestOutside,
      () => corpus.sets.imageManifestOutside,
    ],
    [
      "audio with a truncated WAV",
      () => corpus.sets.audioWithBadFiles,
      () => join(corpus.sets.audioWithBadFiles, "b", "truncated.wav"),
    ],
    ["a one-class audio folder", () => corpus.sets.audioOneClass, () => /found 1 class \(a\)/],
    [
      "an audio manifest reaching outside its folder",
      () => corpus.sets.audioManifestOutside,
      () => corpus.sets.audioManifestOutside,
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
      const file = corpus.badImages[name] as string;
      expectCliError(await runCli(["predict", model, corpus.validImages.png, file]), file);
    },
    CASE_MS,
  );

  it(
    "should predict valid PNG, JPEG and BMP files",
    async () => {
      const { png, jpeg, bmp } = corpus.validImages;
      const r = await runCli(["predict", model, png, jpeg, bmp, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveLength(3);
    },
    CASE_MS,
  );

  it(
    "should refuse to evaluate on labels the model was not trained on",
    async () => {
      const r = await runCli(["evaluate", model, corpus.sets.imagesOtherLabels]);
      expectCliError(r, /classes the model does not know: z \(model: a, b\)/);
    },
    CASE_MS,
  );

  it.each(["malformed", "newer", "notObject"] as const)(
    "should refuse a %s graft.json with exit code 1",
    async (name) => {
      const modelDir = corpus.models[name];
      for (const argv of [
        ["predict", modelDir, corpus.validImages.png],
        ["evaluate", modelDir, corpus.sets.imagesGood],
      ]) {
        expectCliError(await runCli(argv), join(modelDir, "graft.json"));
      }
    },
    CASE_MS,
  );
});

function peak(samples: Float32Array): number {
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return max;
}
