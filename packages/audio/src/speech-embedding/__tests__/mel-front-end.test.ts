import { describe, expect, it } from "vitest";

import { loadMelFrontEnd } from "../mel-front-end.js";
import { referenceMel } from "./onnx-reference.js";
import { realSpeech } from "./real-speech.js";

describe("MelFrontEnd", () => {
  it("should reproduce melspectrogram.onnx on real speech", async () => {
    const mel = await loadMelFrontEnd();
    const samples = await realSpeech(3);
    const ours = mel.features(samples, { block: 0 });
    const raw = await referenceMel(samples);
    expect(ours.length).toBe(raw.length);
    expect(ours.length / 32).toBe(mel.frameCount(samples.length));
    let worst = 0;
    for (let i = 0; i < raw.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - (raw[i]! / 10 + 2)));
    // Features span about 8 units (80 dB / 10); the float32 matrix form of the graph differs from the float64 FFT by ~1e-5.
    expect(worst).toBeLessThan(5e-5);
  });

  it("should floor each block of frames against its own loudest frame", async () => {
    const mel = await loadMelFrontEnd();
    const samples = new Float32Array(16000);
    for (let i = 8000; i < 16000; i++) samples[i] = 0.3 * Math.sin(i / 5);
    const whole = mel.features(samples, { block: 0 });
    const blocks = mel.features(samples, { block: 8 });
    // Digital silence sits at the graph's amin (−100 dB); against the loud tone the whole-input floor lifts it, a silent block keeps it.
    expect(blocks[0]).toBeCloseTo(-100 / 10 + 2, 4);
    expect(whole[0]).toBeGreaterThan(blocks[0]! + 1);
    const last = whole.length - 32;
    expect(blocks[last]).toBeCloseTo(whole[last]!, 5);
  });
});
