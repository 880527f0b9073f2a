// Where a small-CNN training step on wasm spends its CPU time, kernel by
// kernel. Not a test. Run from packages/core with
//   node --conditions=@graft/source --import @graft/ts-hooks/register bench/profile-kernels.ts
// (ROWS=<n> rows, default 40; NET=mobilenetv2-0.35 for that network; GRAFT_WASM_THREADS=n for the threaded build,
// timed by the clock). CPU time (process.cpuUsage) barely depends on the
// machine's load, unlike tf.profile's wall-clock kernel times. Kernels
// that graft's kernels call are listed as "(nested)" and are also counted in
// their caller's time.
import * as tf from "@tensorflow/tfjs";

import { registerWasmTrainingKernels } from "../src/engine/wasm/register.js";
import { useThreadedWasmBackend } from "../src/engine/wasm/threads.js";
import { makeBatch, makeStep, medianMs } from "./measure.js";
import { mobileNetV2, smallCnn } from "./networks.js";

const STEPS = Number(process.env["STEPS"] ?? 10);
const THREADS = Number(process.env["GRAFT_WASM_THREADS"] || 1);
// With threads, process CPU time sums every thread: time kernels by the clock.
const clock = (): number => {
  if (THREADS > 1) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
registerWasmTrainingKernels();
useThreadedWasmBackend(THREADS);
await tf.setBackend("wasm");
await tf.ready();

const net = process.env["NET"] === "mobilenetv2-0.35" ? mobileNetV2(0.35, 96) : smallCnn;
const model = net.build();
const step = makeStep(model, tf.train.sgd(0.01));
const data = makeBatch(net);
for (let i = 0; i < 3; i++) step(data);
const plain = medianMs(15, () => step(data));
console.log(
  `step: ${plain.wall.toFixed(1)} ms wall, ${plain.cpu.toFixed(1)} ms CPU (median of 15)`,
);

const byKernel = new Map<string, { ms: number; calls: number }>();
let depth = 0;
let topLevelMs = 0;
for (const config of tf.getKernelsForBackend("wasm")) {
  const run = config.kernelFunc;
  (config as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
    const start = clock();
    depth++;
    try {
      return run(args);
    } finally {
      depth--;
      const ms = clock() - start;
      const shapes = Object.values(args.inputs)
        .map((input) => `[${(input as tf.TensorInfo | undefined)?.shape.join(",") ?? ""}]`)
        .join(",");
      const key = `${depth > 0 ? "  (nested) " : ""}${config.kernelName} ${shapes}`;
      const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls++;
      byKernel.set(key, entry);
      if (depth === 0) topLevelMs += ms;
    }
  };
}

const start = clock();
for (let i = 0; i < STEPS; i++) step(data);
const used = clock() - start;
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const topCalls = rows
  .filter(([key]) => !key.startsWith(" "))
  .reduce((sum, [, e]) => sum + e.calls, 0);
console.log(
  `profiled step: ${(used / STEPS).toFixed(1)} ms ${THREADS > 1 ? "wall" : "CPU"}, ` +
    `${(topLevelMs / STEPS).toFixed(1)} ms in ${topCalls / STEPS} top-level kernel calls`,
);
for (const [key, { ms, calls }] of rows.slice(0, Number(process.env["ROWS"] ?? 40)))
  console.log(
    `${(ms / STEPS).toFixed(2).padStart(6)} ms ${String(calls / STEPS).padStart(3)}× ${key}`,
  );
