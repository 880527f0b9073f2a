import * as ort from "onnxruntime-web";

ort.env.wasm.numThreads = 1;

/** One float32 input for onnxruntime, in ONNX layout. */
export interface OrtFeed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Runs an ONNX model in onnxruntime (wasm, one thread) on float32 inputs, in graph-input order; returns the first output. */
export async function runOrtFeeds(bytes: Uint8Array, inputs: readonly OrtFeed[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => {
      const input = inputs[i];
      if (!input) throw new Error(`onnxruntime: no value for graph input "${name}"`);
      feeds[name] = new ort.Tensor("float32", input.data, input.dims);
    });
    const result = await session.run(feeds);
    const out = result[session.outputNames[0] ?? ""];
    if (!out) throw new Error("onnxruntime returned no output");
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

/** Runs an ONNX model with one float32 input; returns the first output. */
export function runOrt(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  return runOrtFeeds(bytes, [{ data: input, dims }]);
}

/** Largest |a - b| relative to the largest |b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return diff / Math.max(scale, 1e-12);
}
