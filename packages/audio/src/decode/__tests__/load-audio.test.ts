import { describe, expect, it } from "vitest";

import { encodeWav16, tempDir, tone, writeFile } from "../../__tests__/fixtures.js";
import { loadAudio } from "../load-audio.js";

describe("loadAudio", () => {
  it("should decode a WAV file and resample it to the requested rate", async () => {
    const path = writeFile(tempDir(), "tone.wav", encodeWav16(tone(200, 0.5, 8000), 8000));
    const at16k = await loadAudio(path, 16000);
    expect(at16k.length).toBe(8000);
    const at8k = await loadAudio(path, 8000);
    expect(at8k.length).toBe(4000);
    // The same tone either way: sample 2k at 16 kHz is sample k at 8 kHz.
    for (const k of [500, 1200, 3000]) expect(at16k[2 * k]).toBeCloseTo(at8k[k] as number, 1);
  });
});
