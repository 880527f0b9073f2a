// A/B comparison of engine settings that are read from the environment on
// every kernel call (e.g. GRAFT_WASM_NATIVE=0|1): the variants take turns
// step by step in one process, so the machine's changing load hits all of
// them alike. Not a test. Run from packages/core with
//   node --conditions=@graft/source --import @graft/ts-hooks/register bench/ab.ts \
//     GRAFT_WASM_NATIVE=1 GRAFT_WASM_NATIVE=0
// with NET=small-cnn|mobilenetv2-0.35, STEPS=30, GRAFT_WASM_THREADS=1 in the
// environment as wanted.
import * as tf from "@tensorflow/tfjs";

import { registerWasmTrainingKernels } from "../src/engine/wasm/register.js";
import { useThreadedWasmBackend } from "../src/engine/wasm/threads.js";
import { makeBatch, makeStep, median } from "./measure.js";
import { mobileNetV2, smallCnn } from "./networks.js";

const variants = process.argv.slice(2).map((arg) => {
  const [name, value] = arg.split("=");
  if (!name || value === undefined) throw new Error(`expected NAME=value, got "${arg}"`);
  return { name, value, cpu: [] as number[], wall: [] as number[] };
});
if (variants.length < 2) throw new Error("give at least two NAME=value variants");

registerWasmTrainingKernels();
// As the bench: GRAFT_WASM_THREADS=n runs the threaded build with n threads.
useThreadedWasmBackend(Number(process.env["GRAFT_WASM_THREADS"] || 1));
await tf.setBackend("wasm");
await tf.ready();
const networks = [smallCnn, mobileNetV2(0.35, 96)];
const net = networks.find((n) => n.name === (process.env["NET"] ?? "small-cnn"));
if (!net) throw new Error(`unknown NET; one of ${networks.map((n) => n.name).join(", ")}`);
const model = net.build();
const step = makeStep(model, tf.train.sgd(0.01));
const data = makeBatch(net);
const steps = Number(process.env["STEPS"] ?? 30);
for (let i = 0; i < 3; i++) for (const v of variants) run(v, false);
for (let i = 0; i < steps; i++) for (const v of variants) run(v, true);
for (const v of variants)
  console.log(
    `${net.name} ${v.name}=${v.value}: ${median(v.wall).toFixed(2)} ms wall, ${median(v.cpu).toFixed(2)} ms CPU (median of ${steps})`,
  );

function run(v: (typeof variants)[number], record: boolean): void {
  process.env[v.name] = v.value;
  const start = performance.now();
  const startCpu = process.cpuUsage();
  step(data);
  const used = process.cpuUsage(startCpu);
  if (!record) return;
  v.wall.push(performance.now() - start);
  v.cpu.push((used.user + used.system) / 1000);
}
