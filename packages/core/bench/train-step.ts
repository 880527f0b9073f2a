// Benchmark: one training step of a small CNN and of MobileNetV2-0.35 on
// graft's wasm engine, on the tfjs cpu backend and in PyTorch, in one
// process. Run with `pnpm --filter @graft/core bench`. Not a test: it prints
// numbers, and ends with one summary line per network.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import * as tf from "@tensorflow/tfjs";

import { registerWasmTrainingKernels } from "../src/engine/wasm/register.js";
import { useThreadedWasmBackend } from "../src/engine/wasm/threads.js";
import { timeTrainStep } from "./measure.js";
import type { Timing } from "./measure.js";
import { mobileNetV2, smallCnn } from "./networks.js";
import type { BenchNetwork } from "./networks.js";

const WASM_STEPS = Number(process.env["BENCH_WASM_STEPS"] ?? 15);
const CPU_STEPS = Number(process.env["BENCH_CPU_STEPS"] ?? 3);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 2);
// The cpu run is skipped when one step is expected to take longer than this.
const CPU_LIMIT_MS = 60_000;
const PYTHON = "/usr/bin/python3";
// Opt-in: XNNPACK threads for wasm (as loadEngine honours it); default 1.
const WASM_THREADS = Number(process.env["GRAFT_WASM_THREADS"] || 1);

interface Result {
  wasm: number;
  cpu: number | undefined;
  pytorch: number | undefined;
}

const networks: BenchNetwork[] = [smallCnn, mobileNetV2(0.35, 96)];
const results = new Map<string, Result>();

// The load on a shared machine changes from minute to minute, so PyTorch and
// the wasm engine take turns for ROUNDS rounds and each keeps its best
// median (PyTorch also its better thread count, see runPyTorch).
const torchRuns: Record<string, number>[] = [];
const wasmRuns: Map<string, Timing>[] = [];
registerWasmTrainingKernels();
useThreadedWasmBackend(WASM_THREADS);
if (WASM_THREADS > 1) console.log(`wasm: threaded SIMD binary, ${WASM_THREADS} threads`);
for (let round = 0; round < ROUNDS; round++) {
  const torch = runPyTorch();
  if (torch) torchRuns.push(torch);
  await use("wasm");
  const times = new Map(networks.map((net) => [net.name, timeTrainStep(net, WASM_STEPS, 2)]));
  for (const [name, t] of times)
    console.log(
      `wasm  ${name}: ${t.wall.toFixed(1)} ms per step, ${t.cpu.toFixed(1)} ms of CPU (median of ${WASM_STEPS})`,
    );
  wasmRuns.push(times);
  if (!torch) break;
}
const best = (name: string, pick: (t: Timing) => number): number =>
  Math.min(...wasmRuns.map((run) => pick(run.get(name)!)));
const wasm = new Map(networks.map((net) => [net.name, best(net.name, (t) => t.wall)]));
const wasmCpu = new Map(networks.map((net) => [net.name, best(net.name, (t) => t.cpu)]));

await use("cpu");
for (const net of networks) {
  // A batch-1 step predicts a full step's cost: the cpu backend's time grows
  // linearly with the batch (~0.4 s × 32 for the small CNN).
  const estimate = timeTrainStep(net, 1, 1, 1).wall * net.batch;
  let cpu: number | undefined;
  if (estimate > CPU_LIMIT_MS) {
    console.log(
      `cpu   ${net.name}: skipped, one step would take ≈ ${(estimate / 1000).toFixed(0)} s (> 60 s)`,
    );
  } else {
    // The batch-1 estimate above already warmed up the cpu kernels; a full
    // warm-up step would cost another 15–60 s.
    cpu = timeTrainStep(net, CPU_STEPS, 0).wall;
    console.log(`cpu   ${net.name}: ${cpu.toFixed(1)} ms per step (median of ${CPU_STEPS})`);
  }
  results.set(net.name, { wasm: wasm.get(net.name)!, cpu, pytorch: undefined });
}

for (const [name, result] of results) {
  const times = torchRuns.map((run) => run[name]).filter((t): t is number => t !== undefined);
  result.pytorch = times.length ? Math.min(...times) : undefined;
}

// CPU time barely depends on what else the machine runs: a steadier ratio
// between single-threaded runs (wasm vs PyTorch with 1 thread).
for (const net of networks) {
  const torchCpu = torchRuns
    .map((run) => run[`${net.name}:cpu`])
    .filter((t): t is number => t !== undefined);
  const wasmMs = wasmCpu.get(net.name)!;
  const torchMs = torchCpu.length ? Math.min(...torchCpu) : undefined;
  console.log(
    `cpu-time ${net.name}: wasm ${ms(wasmMs)} ms, pytorch (1 thread) ${torchMs === undefined ? "n/a" : ms(torchMs)} ms` +
      (torchMs === undefined ? "" : `, ratio ${(wasmMs / torchMs).toFixed(2)}`),
  );
}

for (const net of networks) {
  const { wasm: w, cpu, pytorch } = results.get(net.name)!;
  console.log(
    `bench ${net.name} train-step: wasm ${ms(w)} ms, cpu ${cpu === undefined ? "skipped" : ms(cpu)} ms, ` +
      `pytorch ${pytorch === undefined ? "n/a" : ms(pytorch)} ms, ` +
      `speedup-vs-cpu ${cpu === undefined ? "n/a" : (cpu / w).toFixed(1)}, ` +
      `ratio-vs-pytorch ${pytorch === undefined ? "n/a" : (w / pytorch).toFixed(2)}`,
  );
}

async function use(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  await tf.ready();
}

function ms(value: number): string {
  return value.toFixed(1);
}

// Runs the PyTorch twin with 2 threads (like the reference) and with
// 1, and keeps the faster time per network: on a loaded 2-core machine two
// OpenMP threads can be several times slower than one.
function runPyTorch(): Record<string, number> | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.log(
      `pytorch: skipped (${PYTHON} -c 'import torch' failed; install Debian's python3-torch to compare)`,
    );
    return undefined;
  }
  const script = fileURLToPath(new URL("./train-step-torch.py", import.meta.url));
  const best: Record<string, number> = {};
  for (const threads of [2, 1]) {
    const run = spawnSync(PYTHON, [script, String(threads)], { encoding: "utf8" });
    if (run.status !== 0) {
      console.log(`pytorch: failed (${run.stderr.trim().split("\n").pop() ?? "no output"})`);
      return undefined;
    }
    const times = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Record<string, number>;
    for (const net of networks) {
      const wall = times[net.name];
      const cpu = times[`${net.name}:cpu`];
      if (wall === undefined || cpu === undefined) continue;
      console.log(
        `torch ${net.name}: ${wall.toFixed(1)} ms per step, ${cpu.toFixed(1)} ms of CPU (${threads} thread${threads > 1 ? "s" : ""}, median)`,
      );
      if (wall < (best[net.name] ?? Infinity)) best[net.name] = wall;
      // The 1-thread CPU time is the steady figure compared with wasm's.
      if (threads === 1) best[`${net.name}:cpu`] = cpu;
    }
  }
  return best;
}
