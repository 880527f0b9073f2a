// BatchMatMul on wasm with each transpose combination, at the shapes of a
// dense 1536 → 64 layer on a batch of 256 (forward, input gradient, kernel
// gradient), and one Adam training step of a wake-word head on that layer:
// tfjs-backend-wasm's stock kernel against graft's (and, for the step, tfjs's
// Tile gradient against graft's; graft's other kernels are registered in
// every variant), taking turns call by call in one process so the machine's
// changing load hits all alike. Not a test.
// Run from packages/core with
//   node --conditions=@graft/source --import @graft/ts-hooks/register bench/matmul.ts
// (ROUNDS=<n> timed calls per case, default 20).
import * as tf from "@tensorflow/tfjs";

import { createBatchMatMulConfig } from "../src/engine/wasm/batch-mat-mul.js";
import { registerWasmTrainingKernels } from "../src/engine/wasm/register.js";
import { createTileGradient } from "../src/engine/wasm/tile-gradient.js";
import { median } from "./measure.js";

const ROUNDS = Number(process.env["ROUNDS"] ?? 20);

await tf.setBackend("wasm");
await tf.ready();
// tfjs's own BatchMatMul kernel and Tile gradient, kept before graft's
// registration replaces them.
const stockKernel = tf.getKernel(tf.BatchMatMul, "wasm");
const stockTileGrad = tf.getGradient(tf.Tile);
if (!stockKernel || !stockTileGrad)
  throw new Error("tfjs registered no BatchMatMul or Tile gradient");
const stockConfig: tf.KernelConfig = { ...stockKernel };
const stockGradient: tf.GradConfig = { ...stockTileGrad };
registerWasmTrainingKernels();
const graftConfig = tf.getKernel(tf.BatchMatMul, "wasm") ?? createBatchMatMulConfig(stockConfig);
const graftGradient = tf.getGradient(tf.Tile) ?? createTileGradient(stockGradient);

/** A way to run: which BatchMatMul kernel and Tile gradient are registered. */
interface Variant {
  name: string;
  kernel: tf.KernelConfig;
  tileGradient: tf.GradConfig;
}
const STOCK: Variant = { name: "stock", kernel: stockConfig, tileGradient: stockGradient };
const MATMUL: Variant = {
  name: "graft BatchMatMul",
  kernel: graftConfig,
  tileGradient: stockGradient,
};
const GRAFT: Variant = {
  name: "graft BatchMatMul + Tile gradient",
  kernel: graftConfig,
  tileGradient: graftGradient,
};

function use({ kernel, tileGradient }: Variant): void {
  tf.unregisterKernel(tf.BatchMatMul, "wasm");
  tf.registerKernel(kernel);
  tf.registerGradient(tileGradient);
}

/** Median wall ms of `run` per variant, the variants alternating call by call. */
function race(variants: Variant[], run: () => void, rounds = ROUNDS): number[] {
  const times = variants.map(() => [] as number[]);
  for (let i = 0; i < rounds + 2; i++)
    variants.forEach((v, k) => {
      use(v);
      const start = performance.now();
      run();
      if (i >= 2) times[k]!.push(performance.now() - start);
    });
  return times.map(median);
}

/** One line per variant after the first: its time and speed-up over the first. */
function report(label: string, variants: Variant[], times: number[], flops?: number): void {
  const rate = (ms: number) => (flops ? ` (${(flops / ms / 1e6).toFixed(1)} GFLOP/s)` : "");
  const base = times[0]!;
  console.log(`${label}: ${variants[0]!.name} ${base.toFixed(2)} ms${rate(base)}`);
  variants.slice(1).forEach((v, k) => {
    const ms = times[k + 1]!;
    console.log(`  ${v.name}: ${ms.toFixed(2)} ms${rate(ms)}, speed-up ×${(base / ms).toFixed(2)}`);
  });
}

// [a shape, b shape, transposeA, transposeB, what it is in a dense layer]
const CASES: [number[], number[], boolean, boolean, string][] = [
  [[1, 256, 1536], [1, 1536, 64], false, false, "forward x·W"],
  [[1, 256, 64], [1, 1536, 64], false, true, "input gradient dy·Wᵀ"],
  [[1, 256, 1536], [1, 256, 64], true, false, "kernel gradient xᵀ·dy"],
  [[1, 1536, 256], [1, 64, 1536], true, true, "both transposed"],
];
for (const [aShape, bShape, transposeA, transposeB, what] of CASES) {
  const a = tf.randomNormal(aShape, 0, 1, "float32", 1);
  const b = tf.randomNormal(bShape, 0, 1, "float32", 2);
  const [rows, inner] = transposeA ? [aShape[2]!, aShape[1]!] : [aShape[1]!, aShape[2]!];
  const cols = transposeB ? bShape[1]! : bShape[2]!;
  const flops = 2 * rows * inner * cols;
  const variants = [STOCK, MATMUL];
  const times = race(variants, () => tf.matMul(a, b, transposeA, transposeB).dispose());
  report(
    `BatchMatMul [${aShape}]${transposeA ? "ᵀ" : ""}×[${bShape}]${transposeB ? "ᵀ" : ""} (${what})`,
    variants,
    times,
    flops,
  );
  tf.dispose([a, b]);
}

// The head: flatten [256,16,96] → dense 64 → layerNorm → relu → dense 64 →
// layerNorm → relu → dropout → dense 1 sigmoid, Adam, batch 256.
const model = tf.sequential({
  layers: [
    tf.layers.flatten({ inputShape: [16, 96] }),
    tf.layers.dense({ units: 64 }),
    tf.layers.layerNormalization(),
    tf.layers.reLU(),
    tf.layers.dense({ units: 64 }),
    tf.layers.layerNormalization(),
    tf.layers.reLU(),
    tf.layers.dropout({ rate: 0.1 }),
    tf.layers.dense({ units: 1, activation: "sigmoid" }),
  ],
});
const optimizer = tf.train.adam(1e-3);
const x = tf.randomUniform([256, 16, 96], 0, 1, "float32", 3);
const y = tf.tidy(() => tf.randomUniform([256, 1], 0, 1, "float32", 4).greater(0.5).toFloat());
const step = (): void => {
  const loss = optimizer.minimize(
    () => tf.losses.logLoss(y, model.apply(x, { training: true }) as tf.Tensor),
    true,
  );
  loss?.dataSync();
  loss?.dispose();
};
const stepVariants = [STOCK, MATMUL, GRAFT];
report("training step of the head", stepVariants, race(stepVariants, step));

// Which products one step asks for (the first dense's input gradient is not
// needed, x being data).
const calls = new Map<string, number>();
let depth = 0;
const counting: tf.KernelConfig = {
  ...graftConfig,
  kernelFunc: (args) => {
    // graft's kernel calls the plain product itself: count the outer call only.
    if (depth > 0) return graftConfig.kernelFunc(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const key = `[${a.shape}]${transposeA ? "ᵀ" : ""}×[${b.shape}]${transposeB ? "ᵀ" : ""}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    depth++;
    try {
      return graftConfig.kernelFunc(args);
    } finally {
      depth--;
    }
  },
};
use({ ...GRAFT, kernel: counting });
step();
use(GRAFT);
console.log(
  `BatchMatMul calls in one step: ${[...calls].map(([k, n]) => `${n}× ${k}`).join(", ")}`,
);
tf.dispose([x, y]);
optimizer.dispose();
model.dispose();
