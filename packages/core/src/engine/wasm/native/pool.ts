import { Worker } from "node:worker_threads";

/**
 * Worker threads that run parts of graft's native kernels on the shared
 * memory of tfjs-backend-wasm's threaded build. The calling thread runs part
 * 0 of each kernel and the workers parts 1 … n-1 at the same time; a small
 * shared control block (not the wasm heap) carries the call and the
 * completions, with Atomics.wait/notify as the only synchronisation.
 */
export interface KernelPool {
  /** Threads that share each call, the calling thread included. */
  readonly parts: number;
  /**
   * Calls export `name` with `args` on every thread at once, `args[partAt]`
   * set to the thread's part, and returns when all parts are done. The
   * arguments at the indices in `floats` are passed as f32, the others as
   * i32.
   */
  run(name: string, args: readonly number[], partAt: number, floats?: readonly number[]): void;
}

// Control block layout (Int32 slots).
const SEQUENCE = 0; // bumped for every call; workers wait on it
const DONE = 1; // parts finished in the current call
const FAILED = 2; // 1 once a worker's part threw
const NAME = 3; // index into the export names
const PART_AT = 4;
const ARG_COUNT = 5;
const FLOATS = 6; // bit i set: argument i is an f32
const ARGS = 7;
const MAX_ARGS = 32;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, names, part } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const slots = new Int32Array(control);
const floats = new Float32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(slots, ${SEQUENCE}, seen);
  seen = Atomics.load(slots, ${SEQUENCE});
  try {
    const mask = slots[${FLOATS}];
    const args = [];
    for (let i = 0; i < slots[${ARG_COUNT}]; i++)
      args.push(mask & (1 << i) ? floats[${ARGS} + i] : slots[${ARGS} + i]);
    args[slots[${PART_AT}]] = part;
    instance.exports[names[slots[${NAME}]]](...args);
  } catch (error) {
    Atomics.store(slots, ${FAILED}, 1);
  }
  Atomics.add(slots, ${DONE}, 1);
  Atomics.notify(slots, ${DONE});
}
`;

/**
 * Starts `threads - 1` workers on the shared `memory`, each with its own
 * instance of `module`; `exports` is the calling thread's instance. The
 * workers are unref'd: they never keep the process alive.
 */
export function startKernelPool(
  module: object,
  memory: object,
  exports: Record<string, unknown>,
  threads: number,
): KernelPool {
  const names = Object.keys(exports).filter((name) => typeof exports[name] === "function");
  const control = new SharedArrayBuffer((ARGS + MAX_ARGS) * 4);
  const slots = new Int32Array(control);
  const floatSlots = new Float32Array(control);
  const workers: Worker[] = [];
  for (let part = 1; part < threads; part++) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, control, names, part },
    });
    worker.unref();
    workers.push(worker);
  }
  return {
    parts: threads,
    run(name, args, partAt, floats = []) {
      const index = names.indexOf(name);
      if (index < 0 || args.length > MAX_ARGS)
        throw new Error(`graft kernel pool: cannot run ${name} with ${args.length} arguments`);
      slots.set(args, ARGS);
      let mask = 0;
      for (const i of floats) {
        floatSlots[ARGS + i] = args[i]!;
        mask |= 1 << i;
      }
      slots[FLOATS] = mask;
      slots[NAME] = index;
      slots[PART_AT] = partAt;
      slots[ARG_COUNT] = args.length;
      Atomics.store(slots, DONE, 0);
      Atomics.store(slots, FAILED, 0);
      Atomics.add(slots, SEQUENCE, 1);
      Atomics.notify(slots, SEQUENCE);
      let failure: unknown;
      try {
        const own = [...args];
        own[partAt] = 0;
        (exports[name] as (...values: number[]) => void)(...own);
      } catch (error) {
        failure = error;
      }
      // Wait for every worker even if part 0 failed: they write to memory
      // the caller is about to reuse.
      for (let done = Atomics.load(slots, DONE); done < workers.length;) {
        Atomics.wait(slots, DONE, done);
        done = Atomics.load(slots, DONE);
      }
      if (failure) throw failure;
      if (Atomics.load(slots, FAILED))
        throw new Error(`graft kernel pool: ${name} failed in a worker thread`);
    },
  };
}
