import type * as tf from "@tensorflow/tfjs";

import { wasmThreadsConfigured } from "../threads.js";
import { nativeBuild, nativeModuleBytes, type NativeBuild } from "./build.js";
import { startKernelPool, type KernelPool } from "./pool.js";

/**
 * Kernels run through {@link NativeKernels.parallel}: tensor and scratch
 * addresses, then the part and part count, then sizes (see native/*.c).
 */
type SplitKernel =
  | "conv2d_rows"
  | "conv2d_filter_grad_rows"
  | "conv2d_filter_grad"
  | "conv2d_input_grad"
  | "depthwise_filter_grad"
  | "depthwise_input_grad"
  | "bias_add"
  | "channel_scale"
  | "relu_grad"
  | "clip_grad"
  | "batch_norm";

/** Functions called directly: scratch sizes, reductions of partial sums, row sums. */
type DirectFunction =
  | "conv2d_filter_grad_scratch"
  | "conv2d_filter_grad_reduce"
  | "conv2d_input_grad_scratch"
  | "depthwise_filter_grad_scratch"
  | "depthwise_filter_grad_reduce"
  | "sum_rows";

/** The functions native/*.c exports (addresses are byte offsets into the heap; sizes count floats). */
export type NativeExports = Record<SplitKernel | DirectFunction, (...args: number[]) => number>;

/** graft's native kernels, bound to one wasm backend's memory. */
export interface NativeKernels {
  readonly exports: NativeExports;
  /** The instruction set of the module that loaded (see {@link nativeBuild}). */
  readonly build: NativeBuild;
  /** Threads a {@link NativeKernels.parallel} call runs on (1 without the threaded build). */
  readonly parts: number;
  /**
   * Runs export `name` split into {@link NativeKernels.parts} parts at once,
   * `args[partAt]` being the part and `args[partAt + 1]` the part count; the
   * arguments at the indices in `floats` are f32. With `items` below
   * {@link SPLIT_MIN_ITEMS} (small element-wise work) it runs as one part.
   */
  parallel(
    name: SplitKernel,
    args: number[],
    partAt: number,
    options?: { floats?: number[]; items?: number },
  ): void;
  /** The heap address of a float32 tensor's data. */
  address(info: tf.TensorInfo): number;
  /** A new float32 output tensor of `shape` on the backend's heap. */
  output(shape: number[]): tf.TensorInfo;
  /** A scratch buffer of at least `floats` floats, valid until the next call. */
  scratch(floats: number): number;
}

// The parts of tfjs-backend-wasm's BackendWasm graft touches.
interface WasmBackendLike {
  wasm: {
    asm?: { memory?: unknown }; // the single-threaded build
    wasmMemory?: unknown; // the threaded build
    _malloc(bytes: number): number;
    _free(address: number): void;
  };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const cache = new WeakMap<object, Partial<Record<NativeBuild, NativeKernels | null>>>();

/** Element-wise work smaller than this many values is not worth waking a thread for. */
export const SPLIT_MIN_ITEMS = 1 << 15;

/**
 * graft's native kernels (native/*.c, WebAssembly SIMD) instantiated on the
 * memory of the given wasm backend, so they read and write tensors in place.
 * On tfjs-backend-wasm's threaded build (`GRAFT_WASM_THREADS`), whose memory
 * is shared, worker threads run parts of the big kernels alongside the
 * caller. The relaxed-SIMD build loads where the runtime has relaxed SIMD
 * (else the SIMD128 one; `GRAFT_WASM_SIMD` overrides, see {@link nativeBuild}).
 * Undefined where they cannot run: another backend, a tfjs version
 * that hides its memory, or `GRAFT_WASM_NATIVE=0` in the environment;
 * callers then use kernels built from tfjs ops.
 */
export function nativeKernels(backend: unknown): NativeKernels | undefined {
  if (process.env["GRAFT_WASM_NATIVE"] === "0" || typeof backend !== "object" || !backend)
    return undefined;
  let builds = cache.get(backend);
  if (!builds) cache.set(backend, (builds = {}));
  const build = nativeBuild();
  let kernels = builds[build];
  if (kernels === undefined)
    kernels = builds[build] = instantiate(backend as WasmBackendLike, build) ?? null;
  return kernels ?? undefined;
}

function instantiate(backend: WasmBackendLike, build: NativeBuild): NativeKernels | undefined {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!api || !(memory instanceof api.Memory)) return undefined;
  const shared =
    typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  const module = new api.Module(nativeModuleBytes(build, shared));
  const exports = new api.Instance(module, { env: { memory } }).exports as NativeExports;
  const threads = shared ? wasmThreadsConfigured() : 1;
  let pool: KernelPool | undefined;
  let scratchAddress = 0;
  let scratchFloats = 0;
  return {
    exports,
    build,
    parts: threads,
    parallel(name, args, partAt, { floats, items } = {}) {
      if (threads > 1 && (items === undefined || items >= SPLIT_MIN_ITEMS)) {
        pool ??= startKernelPool(module, memory, exports, threads);
        args[partAt + 1] = threads;
        pool.run(name, args, partAt, floats);
        return;
      }
      args[partAt] = 0;
      args[partAt + 1] = 1;
      exports[name](...args);
    },
    address(info) {
      const data = backend.dataIdMap.get(info.dataId);
      if (!data || info.dtype !== "float32")
        throw new Error(`graft native kernel: expected float32 tensor data, got ${info.dtype}`);
      return data.memoryOffset;
    },
    output(shape) {
      return backend.makeOutput(shape, "float32");
    },
    scratch(floats) {
      if (floats > scratchFloats) {
        if (scratchAddress) backend.wasm._free(scratchAddress);
        // Grow geometrically so a sequence of growing layers allocates rarely.
        scratchFloats = Math.max(floats, Math.ceil(scratchFloats * 1.5));
        scratchAddress = backend.wasm._malloc(scratchFloats * 4);
      }
      return scratchAddress;
    },
  };
}
