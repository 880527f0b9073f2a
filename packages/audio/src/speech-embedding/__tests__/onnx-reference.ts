// onnxruntime-web (wasm, one thread) as the reference the TypeScript front end and the imported network are checked against.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import * as ort from "onnxruntime-web";

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
