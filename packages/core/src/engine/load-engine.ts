import { availableParallelism } from "node:os";

import * as tf from "@tensorflow/tfjs";

import { EngineError } from "../errors.js";

/** The engines graft can run on, fastest first. */
export const ENGINE_NAMES = ["gpu", "node", "wasm", "cpu"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The engine graft runs on, and why it was picked. */
export interface Engine {
  readonly name: EngineName;
  /** TF.js backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly backend: string;
  /** One line for logs, e.g. "graft engine: wasm, relaxed-simd kernels (gpu: not installed; node: not installed)". */
  readonly description: string;
  /** Why each faster engine was skipped. */
  readonly skipped: readonly { readonly name: EngineName; readonly reason: string }[];
}

/** Options of {@link loadEngine}. */
export interface LoadEngineOptions {
  /**
   * Force one engine; fails if it cannot load.
   * @default process.env.GRAFT_ENGINE, else the fastest that loads
   */
  engine?: EngineName;
  /**
   * Opt-in: run the wasm engine on tfjs-backend-wasm's threaded SIMD binary
   * with this many threads, shared by XNNPACK and graft's native kernels
   * (1 = the stock single-threaded binary; `"auto"` = every core, up to 8).
   * On idle cores 2 threads train ≈ 1.4× faster; on a machine whose cores
   * are busy with other work, slower, hence opt-in. Takes effect only if
   * wasm is picked and has not started yet.
   * @default process.env.GRAFT_WASM_THREADS, else 1
   */
  wasmThreads?: number | "auto";
}

let current: Promise<Engine> | undefined;
let currentKey: string | undefined;

/**
 * Picks the TF.js engine: tfjs-node-gpu, then tfjs-node, then wasm (with
 * graft's training kernels), then the pure-JS cpu backend. `GRAFT_ENGINE` or
 * `options.engine` forces one. Safe to call many times: the engine loads once.
 */
export function loadEngine(options: LoadEngineOptions = {}): Promise<Engine> {
  const forced = options.engine ?? parseEngineEnv(process.env["GRAFT_ENGINE"]);
  const threads = parseThreads(options.wasmThreads ?? process.env["GRAFT_WASM_THREADS"]);
  const key = `${forced ?? "auto"}:${threads}`;
  if (current && currentKey === key) return current;
  currentKey = key;
  current = pick(forced, threads).catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

function parseEngineEnv(value: string | undefined): EngineName | undefined {
  if (value === undefined || value === "" || value === "auto") return undefined;
  if ((ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName;
  throw new EngineError(
    `GRAFT_ENGINE is "${value}", expected one of ${ENGINE_NAMES.join(", ")} (or unset for automatic).`,
    { fix: `unset GRAFT_ENGINE, or set GRAFT_ENGINE=wasm` },
  );
}

function parseThreads(value: number | string | undefined): number {
  if (value === undefined || value === "") return 1;
  if (value === "auto") return Math.min(8, availableParallelism());
  const threads = Number(value);
  if (Number.isInteger(threads) && threads >= 1 && threads <= 8) return threads;
  throw new EngineError(
    `wasm threads (GRAFT_WASM_THREADS) is "${value}", expected a whole number from 1 to 8 or "auto".`,
    {
      fix: "unset GRAFT_WASM_THREADS (single-threaded), or set GRAFT_WASM_THREADS=auto (every core)",
    },
  );
}

async function pick(forced: EngineName | undefined, threads: number): Promise<Engine> {
  const order = forced ? [forced] : ENGINE_NAMES;
  const skipped: { name: EngineName; reason: string }[] = [];
  for (const name of order) {
    let backend: string;
    try {
      backend = await activate(name, threads);
    } catch (error) {
      if (forced) {
        throw new EngineError(`The "${name}" engine could not be loaded: ${reason(error)}`, {
          fix: installHint(name),
          cause: error,
        });
      }
      skipped.push({ name, reason: reason(error) });
      continue;
    }
    const threaded = name === "wasm" && threads > 1 ? ` with ${threads} threads` : "";
    // Outside the try: a bad GRAFT_WASM_SIMD is the user's to fix, not a reason to fall back.
    const kernels = name === "wasm" ? await nativeKernelsLabel() : "";
    const why = skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
    return {
      name,
      backend,
      skipped,
      description: `graft engine: ${name}${threaded}${kernels}${forced ? " (forced by GRAFT_ENGINE)" : ""}${why ? ` (${why})` : ""}`,
    };
  }
  throw new EngineError(
    `No TF.js engine could be loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}).`,
    { fix: "npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm" },
  );
}

async function activate(name: EngineName, threads: number): Promise<string> {
  switch (name) {
    case "gpu":
    case "node": {
      // Both register the "tensorflow" backend on the shared tfjs-core.
      await importOptional(name === "gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node");
      await setBackend("tensorflow");
      return "tensorflow";
    }
    case "wasm": {
      await import("@tensorflow/tfjs-backend-wasm");
      const { registerWasmTrainingKernels } = await import("./wasm/register.js");
      registerWasmTrainingKernels();
      if (threads > 1) {
        const { useThreadedWasmBackend } = await import("./wasm/threads.js");
        useThreadedWasmBackend(threads);
      }
      await setBackend("wasm");
      return "wasm";
    }
    case "cpu":
      await setBackend("cpu");
      return "cpu";
  }
}

/** Which build of graft's native kernels the wasm engine runs, e.g. ", relaxed-simd kernels". */
async function nativeKernelsLabel(): Promise<string> {
  if (process.env["GRAFT_WASM_NATIVE"] === "0") return ", native kernels off";
  const { nativeBuild } = await import("./wasm/native/build.js");
  return `, ${nativeBuild()} kernels`;
}

async function setBackend(backend: string): Promise<void> {
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tf.setBackend("${backend}") returned false`);
  await tf.ready();
}

async function importOptional(specifier: string): Promise<void> {
  try {
    await import(specifier);
  } catch (error) {
    if (isMissingPackage(error, specifier)) throw new Error("not installed", { cause: error });
    // Installed without its native binding (the install script could not download libtensorflow).
    throw new Error(`installed but failed to load (${firstLine(error)})`, { cause: error });
  }
}

/** True when `specifier` itself is absent (not when it is present but its own import fails). */
function isMissingPackage(error: unknown, specifier: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  const notFound =
    code === "ERR_MODULE_NOT_FOUND" ||
    code === "MODULE_NOT_FOUND" ||
    /cannot find (package|module)|could not resolve|failed to load url/i.test(message ?? "");
  return (
    notFound && (message ?? "").includes(specifier) && !/\.node\b|binding/i.test(message ?? "")
  );
}

function installHint(name: EngineName): string {
  switch (name) {
    case "gpu":
      return "npm install @tensorflow/tfjs-node-gpu (needs CUDA and network access at install time), or unset GRAFT_ENGINE";
    case "node":
      return "npm install @tensorflow/tfjs-node (needs network access at install time), or unset GRAFT_ENGINE";
    case "wasm":
      return "npm install @tensorflow/tfjs-backend-wasm, or set GRAFT_ENGINE=cpu";
    case "cpu":
      return "npm install @tensorflow/tfjs";
  }
}

function reason(error: unknown): string {
  return firstLine(error);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
