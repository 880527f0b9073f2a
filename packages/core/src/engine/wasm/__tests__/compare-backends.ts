import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeEach } from "vitest";

import { relaxedSimdSupported, type NativeBuild } from "../native/build.js";
import { registerWasmTrainingKernels } from "../register.js";
import { useThreadedWasmBackend } from "../threads.js";

/**
 * Loads the wasm backend with graft's kernels (once per test file); with
 * `GRAFT_WASM_THREADS=n` set, on the threaded binary with n threads, so the
 * whole suite can be run threaded.
 */
export async function setUpWasm(): Promise<void> {
  registerWasmTrainingKernels();
  const threads = process.env["GRAFT_WASM_THREADS"];
  if (threads) useThreadedWasmBackend(Number(threads));
  await tf.setBackend("wasm");
  await tf.ready();
}

/**
 * The ways graft's wasm kernels run: on graft's native module, in its
 * relaxed-SIMD build (fused multiply-add; where the runtime has relaxed SIMD)
 * and its SIMD128 build, and on the fallback built from tfjs ops (where the
 * native module cannot run). Tests of kernels with all three run each case on
 * each; see {@link useKernelPath}.
 */
export const KERNEL_PATHS = [
  { path: "native relaxed-SIMD kernels", native: true, simd: "relaxed-simd" },
  { path: "native SIMD128 kernels", native: true, simd: "simd128" },
  { path: "tfjs-op fallback", native: false, simd: "simd128" },
] as const;

/**
 * Makes the enclosing describe block's tests run on one kernel path; the
 * relaxed-SIMD path is skipped, with the reason, on runtimes without it.
 */
export function useKernelPath(native: boolean, simd: NativeBuild = "simd128"): void {
  beforeEach(({ skip }) => {
    if (simd === "relaxed-simd" && !relaxedSimdSupported())
      skip(`Node ${process.version} has no WebAssembly relaxed SIMD (Node 22+ has)`);
    process.env["GRAFT_WASM_NATIVE"] = native ? "1" : "0";
    process.env["GRAFT_WASM_SIMD"] = simd;
  });
  afterEach(() => {
    delete process.env["GRAFT_WASM_NATIVE"];
    delete process.env["GRAFT_WASM_SIMD"];
  });
}

/** Deterministic pseudo-random values in [-1, 1), so both backends see the same data. */
export function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = state / 1073741824 - 1;
  }
  return out;
}

/** Runs `compute` on `backend` and returns its result's values and shape (the tensors are disposed). */
export async function runOn(
  backend: string,
  compute: () => tf.Tensor,
): Promise<{ data: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const data = (await result.data()) as Float32Array;
  const shape = result.shape;
  result.dispose();
  return { data: Float32Array.from(data), shape };
}

/** Largest absolute difference, relative to the largest magnitude of `expected`. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] ?? Number.NaN) - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / (scale || 1);
}

/**
 * Runs `compute` on the cpu backend and on wasm (with graft's kernels) and
 * returns the relative error of wasm against cpu; the backend is left on wasm.
 */
export async function wasmVersusCpu(
  compute: () => tf.Tensor,
): Promise<{ error: number; shape: number[]; cpuShape: number[] }> {
  const cpu = await runOn("cpu", compute);
  const wasm = await runOn("wasm", compute);
  return {
    error: wasm.data.length === cpu.data.length ? relativeError(wasm.data, cpu.data) : Infinity,
    shape: wasm.shape,
    cpuShape: cpu.shape,
  };
}
