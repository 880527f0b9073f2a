import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { BackendWasm, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";

// tfjs-backend-wasm registers its backend with this priority.
const WASM_PRIORITY = 2;
const THREADED = "tfjs-backend-wasm-threaded-simd";

/** The emscripten module the threaded build's factory resolves to (only what graft touches). */
interface EmscriptenModule {
  cwrap: (name: string, returnType: string | null, argTypes: string[]) => unknown;
  PThread?: { runningWorkers?: { unref?: () => void }[] };
  tfjs?: unknown;
}

type Imports = { env: Record<string, unknown> };

// Node's global WebAssembly (the lib settings here declare no WebAssembly types).
function webAssembly(): {
  instantiate: (
    bytes: Uint8Array,
    imports: Imports,
  ) => Promise<{ instance: unknown; module: unknown }>;
} {
  return (globalThis as unknown as { WebAssembly: ReturnType<typeof webAssembly> }).WebAssembly;
}

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/**
 * Makes the `wasm` backend use tfjs-backend-wasm's threaded SIMD binary with
 * `threads` XNNPACK threads (the calling thread included). tfjs-backend-wasm
 * 4.22 never loads that binary in Node: its loader hands emscripten a
 * `blob:` URL for the worker script, which Node's `Worker` cannot open. graft
 * instead instantiates the threaded build itself, with the worker script
 * written once to a file in the OS temp directory and the main script given
 * by path, and registers the result as the `wasm` backend. No globals are
 * patched (emscripten itself sets `global.Worker` to worker_threads' class).
 *
 * Must run before the wasm backend is first initialised (up to 8 threads, the
 * pool tfjs pre-creates); 1 leaves the stock single-threaded loader in place.
 * Calling it again with the same count is a no-op.
 */
export function useThreadedWasmBackend(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 8)
    throw new Error(`wasm threads must be a whole number from 1 to 8, got ${threads}`);
  if (threads === configured) return;
  if (tf.engine().registry["wasm"])
    throw new Error(
      `the wasm backend already runs with ${configured} thread(s); choose its threads before it starts`,
    );
  if (threads === 1) return;
  const stock = tf.findBackendFactory("wasm");
  setThreadsCount(threads);
  tf.removeBackend("wasm");
  tf.registerBackend(
    "wasm",
    async () => {
      try {
        return await initThreaded(threads);
      } catch (error) {
        if (!stock) throw error;
        // No worker_threads or SharedArrayBuffer, a changed package layout…:
        // stay usable on the stock single-threaded binary.
        console.warn(
          `graft: the threaded wasm binary did not load (${error instanceof Error ? error.message : String(error)}); using 1 thread`,
        );
        setThreadsCount(1);
        configured = 1;
        return stock();
      }
    },
    WASM_PRIORITY,
  );
  configured = threads;
}

/** XNNPACK threads of the wasm backend graft set up (1 = the stock loader). */
export function wasmThreadsConfigured(): number {
  return configured;
}

let configured = 1;

async function initThreaded(threads: number): Promise<BackendWasm> {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  const outDir = join(packageDir, "wasm-out");
  const mainScript = join(outDir, `${THREADED}.js`);
  const factory = require(mainScript) as EmscriptenFactory;
  const { wasmWorkerContents } = require(join(outDir, `${THREADED}.worker.js`)) as {
    wasmWorkerContents: string;
  };
  // As the stock loader does: the template literal turned the script's "\n"
  // escapes into real newlines, which would end its string literals.
  const workerScript = writeWorkerScript(wasmWorkerContents.replace(/\n/g, "\\n"));
  const wasmFile = join(outDir, `${THREADED}.wasm`);
  let failed!: (reason: unknown) => void;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const module = await Promise.race([
    factory({
      locateFile: (path: string) =>
        path.endsWith(".worker.js")
          ? workerScript
          : join(outDir, path.endsWith(".wasm") ? `${THREADED}.wasm` : path),
      // Each worker evaluates the main script from this path (the stock loader passes a Blob).
      mainScriptUrlOrBlob: mainScript,
      instantiateWasm: (info: Imports, receive: (instance: unknown, module: unknown) => void) => {
        // tfjs caps its thread pool at half the logical cores emscripten
        // reports (assuming 2 hyper-threads per core): report enough.
        info.env["emscripten_num_logical_cores"] = () => 2 * threads;
        webAssembly()
          .instantiate(readFileSync(wasmFile), info)
          .then(({ instance, module }) => receive(instance, module), failed);
        return {};
      },
      onAbort: (why: unknown) => failed(new Error(`threaded wasm aborted: ${String(why)}`)),
    }),
    failure,
  ]);
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  // The constructor creates XNNPACK's thread pool.
  const backend = new BackendWasm(
    module as unknown as ConstructorParameters<typeof BackendWasm>[0],
  );
  // emscripten keeps a running pthread's worker referenced, and pool threads
  // never finish: without this, the process could not exit on its own.
  for (const worker of module.PThread?.runningWorkers ?? []) worker.unref?.();
  return backend;
}

// The worker script must be a CommonJS file (it uses require and __filename).
// Its content depends only on the tfjs-backend-wasm version, so it is keyed
// by a hash of itself and written atomically (safe with parallel processes).
function writeWorkerScript(contents: string): string {
  const dir = join(tmpdir(), "graft-wasm-threads");
  const hash = simpleHash(contents);
  const path = join(dir, `${THREADED}.worker-${hash}.cjs`);
  try {
    if (readFileSync(path, "utf8") === contents) return path;
  } catch {
    // not written yet
  }
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
  return path;
}

function simpleHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}
