import { DataError } from "@graft/core";
import { describe, expect, it } from "vitest";
import wavefile from "wavefile";

import { encodeWav, tempDir, writeFile } from "../../__tests__/fixtures.js";
import { decodeWav, decodeWavBytes } from "../decode-wav.js";

// Raw codes per depth that must decode to -1, -0.5, 0 and 0.5.
const CASES: { depth: string; raw: number[] }[] = [
  { depth: "8", raw: [0, 64, 128, 192] },
  { depth: "16", raw: [-32768, -16384, 0, 16384] },
  { depth: "24", raw: [-8388608, -4194304, 0, 4194304] },
  { depth: "32", raw: [-2147483648, -1073741824, 0, 1073741824] },
  { depth: "32f", raw: [-1, -0.5, 0, 0.5] },
  { depth: "64", raw: [-1, -0.5, 0, 0.5] },
];

describe("decodeWav", () => {
  for (const { depth, raw } of CASES) {
    it(`should decode ${depth}-bit mono to the right samples`, () => {
      const out = decodeWavBytes(encodeWav([raw], 8000, depth));
      expect(out.bitDepth).toBe(depth);
      expect(out.sampleRate).toBe(8000);
      expect(out.channels).toBe(1);
      expect(Array.from(out.samples)).toEqual([-1, -0.5, 0, 0.5]);
    });
  }

  it("should average the channels of a 24-bit stereo file", () => {
    const left = [4194304, 0, -8388608];
    const right = [0, 4194304, -8388608];
    const out = decodeWavBytes(encodeWav([left, right], 44100, "24"));
    expect(out.channels).toBe(2);
    expect(Array.from(out.samples)).toEqual([0.25, 0.25, -1]);
  });

  it("should down-mix a 4-channel 16-bit file", () => {
    const ch = [[16384], [16384], [0], [-32768]];
    const out = decodeWavBytes(encodeWav(ch, 16000, "16"));
    expect(out.channels).toBe(4);
    expect(out.samples[0]).toBeCloseTo(0, 6);
  });

  it("should expand µ-law to linear samples", () => {
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 8000, "16", [0, 8000, -8000, 30000]);
    wav.toMuLaw();
    const out = decodeWavBytes(wav.toBuffer());
    expect(out.bitDepth).toBe("8m");
    const expected = [0, 8000, -8000, 30000].map((v) => v / 32768);
    // µ-law keeps about 2% relative precision.
    out.samples.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(0.02));
  });

  it("should expand A-law to linear samples", () => {
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 8000, "16", [0, 8000, -8000, 30000]);
    wav.toALaw();
    const out = decodeWavBytes(wav.toBuffer());
    expect(out.bitDepth).toBe("8a");
    const expected = [0, 8000, -8000, 30000].map((v) => v / 32768);
    out.samples.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(0.02));
  });

  it("should read a file path and name it in errors", async () => {
    const dir = tempDir();
    const good = writeFile(dir, "ok.wav", encodeWav([[0, 16384]], 16000, "16"));
    expect(Array.from((await decodeWav(good)).samples)).toEqual([0, 0.5]);
    const bytes = encodeWav([new Array(100).fill(1000)], 16000, "16");
    const cut = writeFile(dir, "cut.wav", bytes.subarray(0, bytes.length - 31));
    await expect(decodeWav(cut)).rejects.toThrow(DataError);
    await expect(decodeWav(cut)).rejects.toThrow(/cut\.wav: truncated WAV/);
  });

  it("should reject a file that is not a WAV and name it", async () => {
    const dir = tempDir();
    const path = writeFile(dir, "notes.txt", "this is not audio at all, just text");
    await expect(decodeWav(path)).rejects.toThrow(/notes\.txt: not a WAV file/);
    expect(() => decodeWavBytes(new Uint8Array(0), "empty.wav")).toThrow(/empty\.wav: not a WAV file/);
  });

  it("should read a streamed WAV whose header declares a placeholder length", () => {
    const bytes = encodeWav([[0, 16384, -16384]], 22050, "16").slice();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // As espeak-ng --stdout writes it: RIFF and data sizes near 2^31.
    view.setUint32(4, 0x7ffff024, true);
    view.setUint32(40, 0x7ffff000, true);
    const out = decodeWavBytes(bytes.subarray(0, bytes.length - 1), "pipe.wav");
    expect(Array.from(out.samples)).toEqual([0, 0.5]);
  });

  it("should reject a WAV cut inside its header", () => {
    const bytes = encodeWav([[1, 2, 3]], 16000, "16");
    expect(() => decodeWavBytes(bytes.subarray(0, 30), "head.wav")).toThrow(/head\.wav: truncated or damaged WAV/);
  });

  it("should report a missing file as a DataError", async () => {
    await expect(decodeWav("/nonexistent/x.wav")).rejects.toThrow(/\/nonexistent\/x\.wav: cannot read/);
  });
});
