import type { Rng } from "./rng.js";

/** The colours of synthetic background noise (Debian has no noise corpus, so graft makes its own). */
export type NoiseColour = "white" | "pink" | "brown";

/** `length` samples of `colour` noise from `rng`, scaled to an RMS of 0.1. */
export function colouredNoise(colour: NoiseColour, length: number, rng: Rng): Float32Array {
  const white = (): number => rng() * 2 - 1;
  const out = new Float32Array(length);
  if (colour === "white") {
    for (let i = 0; i < length; i++) out[i] = white();
  } else if (colour === "pink") {
    // Three one-pole sections summed approximate the -3 dB/octave slope of pink noise.
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    for (let i = 0; i < length; i++) {
      const w = white();
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    }
  } else {
    // Leaky integration of white noise: -6 dB/octave, without drifting off to a DC offset.
    let y = 0;
    for (let i = 0; i < length; i++) {
      y = 0.995 * y + white() * 0.1;
      out[i] = y;
    }
  }
  return scaleToRms(out, 0.1);
}

/** One bed of each colour (white, pink, brown), `seconds` long: a pool to draw background noise from. */
export function noiseBeds(seconds: number, sampleRate: number, rng: Rng): Float32Array[] {
  return (["white", "pink", "brown"] as const).map((colour) =>
    colouredNoise(colour, Math.round(seconds * sampleRate), rng),
  );
}

/** Scales `samples` in place to root-mean-square `target` (silence stays silent); returns them. */
export function scaleToRms(samples: Float32Array, target: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  if (rms > 0)
    for (let i = 0; i < samples.length; i++) samples[i] = ((samples[i] as number) * target) / rms;
  return samples;
}
