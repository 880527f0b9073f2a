import { readFile } from "node:fs/promises";

import { DataError } from "@graft/core";
import wavefile from "wavefile";

/** A decoded WAV file, down-mixed to mono. */
export interface DecodedAudio {
  /** Mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Channels in the file (before the down-mix). */
  readonly channels: number;
  /** wavefile's bit depth code: "8", "16", "24", "32", "32f", "64", "8m" (µ-law), "8a" (A-law). */
  readonly bitDepth: string;
}

interface WavFields {
  bitDepth: string;
  fmt: { numChannels: number; sampleRate: number; audioFormat: number };
  data: { chunkSize: number; samples: Uint8Array };
}

// Data sizes from here up are "unknown length" placeholders of streamed WAVs.
const STREAMED_SIZE = 0x7fff0000;

// Full scale of each integer PCM depth; wavefile returns raw integers, and
// scaling them here is ~20× faster than its toBitDepth("32f").
const FULL_SCALE: Readonly<Record<string, number>> = {
  "8": 128,
  "16": 32768,
  "24": 8388608,
  "32": 2147483648,
};

/**
 * Decodes a WAV file (PCM 8/16/24/32-bit, float 32/64, µ-law, A-law; any
 * channel count and sample rate) and averages its channels to mono.
 * Throws a {@link DataError} naming the file when it is not a WAV file or is truncated.
 */
export async function decodeWav(source: string | Uint8Array, name?: string): Promise<DecodedAudio> {
  if (typeof source === "string") {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new DataError("cannot read the audio file.", { file: source, cause: error });
    }
    return decodeWavBytes(bytes, source);
  }
  return decodeWavBytes(source, name ?? "<buffer>");
}

/** Synchronous {@link decodeWav} for bytes already in memory; `name` is used in errors. */
export function decodeWavBytes(bytes: Uint8Array, name = "<buffer>"): DecodedAudio {
  const [wav, originalDepth] = parse(bytes, name);
  const channels = wav.fmt.numChannels;
  const blockBytes = channels * Math.max(1, Math.ceil(bitsOf(wav.bitDepth) / 8));
  if (channels < 1 || wav.data.samples.length % blockBytes !== 0) {
    throw new DataError(`malformed WAV: ${wav.data.samples.length} data bytes is not a whole number of ${channels}-channel frames.`, {
      file: name,
      fix: "re-export or re-copy the file; the data chunk was cut mid-frame or its size field is wrong.",
    });
  }
  const interleaved = wav.getSamples(true, Float64Array) as Float64Array;
  const frames = Math.floor(interleaved.length / channels);
  const samples = new Float32Array(frames);
  const [scale, offset] = scaling(wav.bitDepth);
  const gain = 1 / (scale * channels);
  for (let i = 0, k = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, k++) sum += (interleaved[k] as number) - offset;
    const v = sum * gain;
    // Float files may exceed full scale; everything downstream assumes [-1, 1].
    samples[i] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
  return { samples, sampleRate: wav.fmt.sampleRate, channels, bitDepth: originalDepth };
}

type WaveFileInstance = InstanceType<typeof wavefile.WaveFile> & WavFields;

function parse(bytes: Uint8Array, name: string): [WaveFileInstance, string] {
  let wav: WaveFileInstance;
  try {
    wav = new wavefile.WaveFile(bytes) as WaveFileInstance;
  } catch (error) {
    const what = (error as Error).message;
    const truncated = bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === "RIFF";
    throw new DataError(
      truncated ? `truncated or damaged WAV (${what}); ${bytes.length} bytes read.` : `not a WAV file (${what}).`,
      { file: name, cause: error, fix: "convert it to WAV, e.g. `sox input.mp3 -r 16000 -c 1 output.wav`." },
    );
  }
  // Writers that stream to a pipe (espeak-ng --stdout, sox -t wav -) cannot
  // know the length and declare a huge placeholder size instead.
  const streamed = wav.data.chunkSize >= STREAMED_SIZE;
  if (streamed) {
    const block = wav.fmt.numChannels * Math.max(1, Math.ceil(bitsOf(wav.bitDepth) / 8));
    const whole = wav.data.samples.length - (wav.data.samples.length % block);
    wav.data.samples = wav.data.samples.subarray(0, whole);
    wav.data.chunkSize = whole;
  }
  if (wav.data.samples.length < wav.data.chunkSize) {
    throw new DataError(
      `truncated WAV: the data chunk declares ${wav.data.chunkSize} bytes but only ${wav.data.samples.length} are present.`,
      { file: name, fix: "re-export or re-copy the file; a download or recording was cut short." },
    );
  }
  const originalDepth = wav.bitDepth;
  // µ-law and A-law are companded 8-bit codes: expand to 16-bit PCM first.
  if (wav.bitDepth === "8m") wav.fromMuLaw();
  else if (wav.bitDepth === "8a") wav.fromALaw();
  else if (wav.bitDepth === "4") wav.fromIMAADPCM();
  if (!(wav.bitDepth in FULL_SCALE) && wav.bitDepth !== "32f" && wav.bitDepth !== "64") {
    throw new DataError(`unsupported WAV bit depth "${wav.bitDepth}".`, {
      file: name,
      fix: "convert it to 16-bit PCM, e.g. `sox input.wav -b 16 output.wav`.",
    });
  }
  return [wav, originalDepth];
}

function bitsOf(bitDepth: string): number {
  return Number.parseInt(bitDepth, 10);
}

/** [full scale, offset]: 8-bit PCM is unsigned, centred on 128. */
function scaling(bitDepth: string): [number, number] {
  if (bitDepth === "32f" || bitDepth === "64") return [1, 0];
  return [FULL_SCALE[bitDepth] ?? 1, bitDepth === "8" ? 128 : 0];
}
