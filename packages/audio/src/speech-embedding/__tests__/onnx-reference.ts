// onnxruntime-web (wasm, one thread) as the reference the TypeScript front end and the imported network are checked against.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import * as ort from "onnxruntime-web";

import { decodeWav } from "../../decode/decode-wav.js";
import { resample } from "../../decode/resample.js";
import { openWakeWordModelsDir } from "../openwakeword-files.js";

ort.env.wasm.numThreads = 1;

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** A session over one of the package's two ONNX files. */
export function referenceSession(name: "melspectrogram.onnx" | "embedding_model.onnx"): Promise<ort.InferenceSession> {
  let session = sessions.get(name);
  if (!session) {
    session = ort.InferenceSession.create(readFileSync(join(openWakeWordModelsDir(), name)), { executionProviders: ["wasm"] });
    sessions.set(name, session);
  }
  return session;
}

/** `melspectrogram.onnx` over int16-scale samples: frames × 32 (raw graph output, before `x / 10 + 2`). */
export async function referenceMel(samples: Float32Array): Promise<Float32Array> {
  const session = await referenceSession("melspectrogram.onnx");
  const input = new ort.Tensor("float32", samples.map((s) => s * 32768), [1, samples.length]);
  const out = await session.run({ [session.inputNames[0]!]: input });
  return out[session.outputNames[0]!]!.data as Float32Array;
}

/** `embedding_model.onnx` over `n` windows of 76 × 32 features: n × 96. */
export async function referenceEmbedding(windows: Float32Array, n: number): Promise<Float32Array> {
  const session = await referenceSession("embedding_model.onnx");
  const input = new ort.Tensor("float32", windows, [n, 76, 32, 1]);
  const out = await session.run({ [session.inputNames[0]!]: input });
  return out[session.outputNames[0]!]!.data as Float32Array;
}

/** Real recorded speech: Debian's asterisk-core-sounds-es (8 kHz), resampled to 16 kHz and joined. */
export async function realSpeech(files = 4): Promise<Float32Array> {
  const dir = "/usr/share/asterisk/sounds/es_MX_f_Allison";
  const names = readdirSync(dir).filter((n) => n.endsWith(".wav")).sort().slice(0, files);
  const parts: Float32Array[] = [];
  for (const name of names) {
    const audio = await decodeWav(join(dir, name));
    parts.push(resample(audio.samples, audio.sampleRate, 16000));
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
