import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";

import { registerWasmTrainingKernels } from "../register.js";
import { nativeKernels, SPLIT_MIN_ITEMS } from "../native/instance.js";
import { useThreadedWasmBackend, wasmThreadsConfigured } from "../threads.js";
import { values, wasmVersusCpu } from "./compare-backends.js";

// The threaded binary must be chosen before wasm starts, so this file sets
// up its own backend (vitest runs each test file in its own process).
describe("threaded wasm backend (opt-in)", () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    useThreadedWasmBackend(2);
    await tf.setBackend("wasm");
    await tf.ready();
  });

  it("should run XNNPACK with the requested threads", () => {
    expect(tf.getBackend()).toBe("wasm");
    expect(getThreadsCount()).toBe(2);
    expect(wasmThreadsConfigured()).toBe(2);
    // Same count again is fine; another count once wasm runs is refused.
    expect(() => useThreadedWasmBackend(2)).not.toThrow();
    expect(() => useThreadedWasmBackend(3)).toThrow(/already runs with 2 thread/);
    expect(() => useThreadedWasmBackend(0)).toThrow(/whole number from 1 to 8/);
  });

  it("should compute conv gradients as the cpu backend does", async () => {
    const x = (): tf.Tensor4D => tf.tensor4d(values(4 * 17 * 15 * 8, 1), [4, 17, 15, 8]);
    const w = (): tf.Tensor4D => tf.tensor4d(values(3 * 3 * 8 * 16, 2), [3, 3, 8, 16]);
    const dy = (): tf.Tensor4D => tf.tensor4d(values(4 * 9 * 8 * 16, 3), [4, 9, 8, 16]);
    const filter = await wasmVersusCpu(() => tf.conv2d(x(), w(), 2, "same").add(0));
    expect(filter.error).toBeLessThan(2e-5);
    const grads = await wasmVersusCpu(() => {
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"), dy())),
      )([x(), w()]);
      return tf.concat([gx!.flatten(), gw!.flatten()]);
    });
    expect(grads.error).toBeLessThan(2e-5);
  });

  it("should split graft's native kernels across threads and match cpu", async () => {
    expect(nativeKernels(tf.backend())?.parts).toBe(2);
    // Big enough (≥ SPLIT_MIN_ITEMS values) that the element-wise kernels split too;
    // 3 images, so the per-image kernels split unevenly.
    const shape = [3, 24, 23, 20];
    const size = tf.util.sizeFromShape(shape);
    expect(size).toBeGreaterThanOrEqual(SPLIT_MIN_ITEMS);
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor4d(values(size, 6), shape as [number, number, number, number]);
      const bias = tf.tensor1d(values(20, 7));
      const depthwise = tf.tensor4d(values(3 * 3 * 20, 8), [3, 3, 20, 1]);
      const [gx, gd] = tf.grads((a: tf.Tensor, d: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.depthwiseConv2d(
              tf.clipByValue(tf.relu(tf.add(a, bias)), 0, 0.5) as tf.Tensor4D,
              d as tf.Tensor4D,
              1,
              "same",
            ),
            tf.tensor(values(size, 9), shape),
          ),
        ),
      )([x, depthwise]);
      const normed = tf.batchNorm(
        x,
        tf.tensor1d(values(20, 10)),
        tf.add(tf.abs(tf.tensor1d(values(20, 11))), 0.1),
      );
      return tf.concat([gx!.flatten(), gd!.flatten(), normed.flatten(), tf.mul(x, bias).flatten()]);
    });
    expect(error).toBeLessThan(2e-5);
  });

  it("should train a convolution (a convex fit: loss goes down every step)", () => {
    const x = tf.tensor4d(values(8 * 12 * 12 * 3, 4), [8, 12, 12, 3]);
    const target = tf.conv2d(x, tf.tensor4d(values(3 * 3 * 3 * 4, 5), [3, 3, 3, 4]), 2, "same");
    const w = tf.variable(tf.zeros([3, 3, 3, 4]));
    const optimizer = tf.train.sgd(0.01);
    const losses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const loss = optimizer.minimize(
        () =>
          tf.mean(tf.square(tf.sub(tf.conv2d(x, w as tf.Variable<tf.Rank.R4>, 2, "same"), target))),
        true,
      );
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
    }
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    tf.dispose([x, target, w]);
    optimizer.dispose();
  });
});
