import {
  audioPreprocessor,
  decodeWav,
  readAudioFolder,
  readAudioManifest,
  resample,
} from "@graft/audio";
import { describe, expect, it } from "vitest";

import { CASE_MS, expectClearError, rejectionOf } from "./fixtures/bad-inputs/expect-errors.js";
import { CLIP_SECONDS } from "./fixtures/bad-inputs/generate.js";
import { useBadInputCorpus } from "./fixtures/bad-inputs/use-corpus.js";

const bad = useBadInputCorpus();

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
      const wav = bad.corpus.validWavs[name];
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
    const validWavs = bad.corpus.validWavs;
    expect(peak((await decodeWav(validWavs["silent"]?.path ?? "")).samples)).toBe(0);
    expect(peak((await decodeWav(validWavs["clipped"]?.path ?? "")).samples)).toBeCloseTo(1, 3);
    const over = await decodeWav(validWavs["clipped-float-over-full-scale"]?.path ?? "");
    expect(peak(over.samples)).toBe(1);
  });

  it("should resample 8 kHz and 44.1 kHz files to the model's rate", async () => {
    const preprocessor = audioPreprocessor({ clipSeconds: CLIP_SECONDS });
    const wavs = ["rate-8k", "rate-44k1", "pcm16", "surround-5.1", "silent"].map(
      (n) => bad.corpus.validWavs[n]?.path ?? "",
    );
    const x = await preprocessor.process(wavs);
    const { frames, bands } = preprocessor.spec;
    expect(x.shape).toEqual([5, frames, bands, 1]);
    const values = await x.data();
    x.dispose();
    expect(values.every(Number.isFinite)).toBe(true);
    const slow = await decodeWav(bad.corpus.validWavs["rate-8k"]?.path ?? "");
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
      const file = bad.corpus.badWavs[name] as string;
      expectClearError(await rejectionOf(decodeWav(file)), file);
      const preprocessor = audioPreprocessor({ clipSeconds: CLIP_SECONDS });
      expectClearError(await rejectionOf(preprocessor.process([file])), file);
    },
    CASE_MS,
  );

  it("should skip an empty class folder and list a one-class folder (the CLI rejects it)", async () => {
    expect((await readAudioFolder(bad.corpus.sets.audioEmptyClass)).classNames).toEqual(["a", "b"]);
    expect((await readAudioFolder(bad.corpus.sets.audioOneClass)).classNames).toEqual(["a"]);
  });

  it("should reject a manifest path that climbs out of the manifest's folder", async () => {
    const manifest = bad.corpus.sets.audioManifestOutside;
    const error = await rejectionOf(readAudioManifest(manifest));
    expectClearError(error, manifest);
    expect((error as Error).message).toMatch(/row 2 "\.\.\/secret\.wav"/);
    expect((await readAudioManifest(manifest, { allowOutside: true })).inputs).toHaveLength(2);
  });
});

function peak(samples: Float32Array): number {
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return max;
}
