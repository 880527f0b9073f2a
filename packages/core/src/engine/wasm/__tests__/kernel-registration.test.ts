import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "../register.js";
import { setUpWasm, values } from "./compare-backends.js";

/** Stock wasm kernels graft wraps (registered again with a faster or fixed kernel in front). */
const WRAPPED = [
  tf.Tile,
  tf.BatchMatMul,
  tf.Sum,
  tf.Mean,
  tf.Add,
  tf.Multiply,
  tf.FusedBatchNorm,
  tf.Conv2D,
];

const wasmKernel = (name: string): tf.KernelFunc | undefined =>
  tf.getKernel(name, "wasm")?.kernelFunc;

describe("registerWasmTrainingKernels", () => {
  beforeAll(setUpWasm);

  it("should register every graft kernel for wasm and be idempotent", () => {
    registerWasmTrainingKernels();
    const before = WASM_TRAINING_KERNELS.map((k) => wasmKernel(k.kernelName));
    const wrapped = WRAPPED.map(wasmKernel);
    registerWasmTrainingKernels();
    expect(before).toEqual(WASM_TRAINING_KERNELS.map((k) => k.kernelFunc));
    expect(WASM_TRAINING_KERNELS.map((k) => wasmKernel(k.kernelName))).toEqual(before);
    expect(WRAPPED.map(wasmKernel)).toEqual(wrapped);
  });
});

describe("graft wasm kernels", () => {
  beforeAll(setUpWasm);

  it("should not leak tensors or bytes over 100 calls", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor4d(values(2 * 9 * 9 * 4, 1), [2, 9, 9, 4]);
    const w = tf.tensor4d(values(3 * 3 * 4 * 5, 2), [3, 3, 4, 5]);
    const dw = tf.tensor4d(values(3 * 3 * 4 * 2, 3), [3, 3, 4, 2]);
    const ids = tf.tensor1d([0, 2, 2], "int32");
    const run = (): void => {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")),
        )([x, w]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")),
        )([x, dw]);
        tf.tile(tf.ones([1, 1, 4]), [3, 3, 1]);
        tf.unsortedSegmentSum(tf.ones([3, 2]), ids, 4);
      });
    };
    run();
    const before = tf.memory();
    for (let i = 0; i < 100; i++) run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([x, w, dw, ids]);
  });
});
