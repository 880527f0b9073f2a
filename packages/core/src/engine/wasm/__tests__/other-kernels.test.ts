import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "../register.js";
import {
  KERNEL_PATHS,
  runOn,
  setUpWasm,
  useKernelPath,
  values,
  wasmVersusCpu,
} from "./compare-backends.js";

describe("registerWasmTrainingKernels", () => {
  beforeAll(setUpWasm);

  it("should register every graft kernel for wasm and be idempotent", () => {
    registerWasmTrainingKernels();
    const before = WASM_TRAINING_KERNELS.map((k) => tf.getKernel(k.kernelName, "wasm")?.kernelFunc);
    const wrapped = [
      tf.Tile,
      tf.Sum,
      tf.Mean,
      tf.Add,
      tf.Multiply,
      tf.FusedBatchNorm,
      tf.Conv2D,
    ].map((name) => tf.getKernel(name, "wasm")?.kernelFunc);
    registerWasmTrainingKernels();
    expect(before).toEqual(WASM_TRAINING_KERNELS.map((k) => k.kernelFunc));
    expect(
      WASM_TRAINING_KERNELS.map((k) => tf.getKernel(k.kernelName, "wasm")?.kernelFunc),
    ).toEqual(before);
    expect(
      [tf.Tile, tf.Sum, tf.Mean, tf.Add, tf.Multiply, tf.FusedBatchNorm, tf.Conv2D].map(
        (name) => tf.getKernel(name, "wasm")?.kernelFunc,
      ),
    ).toEqual(wrapped);
  });
});

describe("wasm Tile", () => {
  beforeAll(setUpWasm);

  it.each([
    { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
    { shape: [2, 3], reps: [3, 2] },
    { shape: [4], reps: [3] },
    { shape: [2, 1, 3], reps: [1, 4, 2] },
  ])("should match cpu when tiling $shape by $reps", async ({ shape, reps }) => {
    const { error, shape: out } = await wasmVersusCpu(() =>
      tf.tile(tf.tensor(values(tf.util.sizeFromShape(shape), 1), shape), reps),
    );
    expect(out).toEqual(shape.map((s, i) => s * reps[i]!));
    expect(error).toBe(0);
  });

  it("should still tile int32 and bool tensors", async () => {
    await tf.setBackend("wasm");
    expect(await tf.tile(tf.tensor1d([1, 2], "int32"), [2]).array()).toEqual([1, 2, 1, 2]);
    expect(await tf.tile(tf.tensor1d([true, false], "bool"), [2]).array()).toEqual([1, 0, 1, 0]);
  });
});

describe.each(KERNEL_PATHS)("wasm ClipByValue gradient ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it("should match cpu, bounds included (ReLU6)", async () => {
    const { error } = await wasmVersusCpu(() => {
      const x = tf.tensor1d([-3, -0, 0, 0.5, 3, 5.999, 6, 6.001, 9, Number.NaN]);
      const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(t, 0, 6), dy)))(x);
    });
    expect(error).toBe(0);
  });

  it("should keep registering one gradient only", () => {
    registerWasmTrainingKernels();
    const first = [tf.ClipByValue, tf.Relu].map((name) => tf.getGradient(name)?.gradFunc);
    registerWasmTrainingKernels();
    expect([tf.ClipByValue, tf.Relu].map((name) => tf.getGradient(name)?.gradFunc)).toEqual(first);
  });
});

describe.each(KERNEL_PATHS)("wasm ReLU gradient ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it("should equal cpu's, NaN included, for every SIMD lane and the tail", async () => {
    const x = [-3, -0, 0, 0.5, 3, Number.NaN, -1e-30, 1e-30, 7, -7, 2];
    const grad = () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.range(1, x.length + 1))))(
        tf.tensor1d(x),
      );
    const want = Array.from((await runOn("cpu", grad)).data);
    expect(Array.from((await runOn("wasm", grad)).data)).toEqual(want);
    expect(want.slice(0, 6)).toEqual([0, 0, 0, 4, 5, Number.NaN]);
  });
});

describe.each(KERNEL_PATHS)("wasm Add and Multiply ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it.each([
    { a: [4, 5, 6, 20], b: [20] },
    { a: [20], b: [4, 5, 6, 20] },
    { a: [3, 7], b: [1, 7] },
    { a: [5, 3], b: [3] },
    { a: [2, 3, 72], b: [1, 1, 72] },
    // Not a bias: the stock kernel's broadcasts.
    { a: [4, 1], b: [1, 5] },
    { a: [4, 5], b: [4, 5] },
    { a: [3], b: [] },
  ])("should equal cpu combining $a and $b", async ({ a, b }) => {
    for (const op of [tf.add, tf.mul]) {
      const { error, shape, cpuShape } = await wasmVersusCpu(() =>
        op(
          tf.tensor(values(tf.util.sizeFromShape(a), 5), a),
          tf.tensor(values(tf.util.sizeFromShape(b), 6), b),
        ),
      );
      expect(shape).toEqual(cpuShape);
      expect(error).toBe(0);
    }
  });

  it("should still add int32 tensors", async () => {
    await tf.setBackend("wasm");
    expect(
      await tf.add(tf.tensor2d([[1, 2]], [1, 2], "int32"), tf.tensor1d([3, 4], "int32")).array(),
    ).toEqual([[4, 6]]);
  });
});

describe.each(KERNEL_PATHS)("wasm batch norm ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  const shape = [4, 5, 3, 22];
  const vector = (seed: number, shift = 0) =>
    tf.add(tf.abs(tf.tensor1d(values(22, seed))), shift) as tf.Tensor1D;
  it.each([
    { name: "per-channel statistics, offset and scale", offset: true, scale: true },
    { name: "no offset or scale", offset: false, scale: false },
    { name: "a scale only", offset: false, scale: true },
  ])("should match cpu with $name", async ({ offset, scale }) => {
    const { error, shape: out } = await wasmVersusCpu(() =>
      tf.batchNorm(
        tf.tensor(values(tf.util.sizeFromShape(shape), 7), shape),
        tf.tensor1d(values(22, 8)),
        vector(9, 0.1),
        offset ? tf.tensor1d(values(22, 10)) : undefined,
        scale ? vector(11) : undefined,
        1e-3,
      ),
    );
    expect(out).toEqual(shape);
    expect(error).toBeLessThan(1e-6);
  });

  it("should match cpu with scalar and full-shape statistics (the stock kernel's cases)", async () => {
    for (const stats of [[1], [5, 3, 22]]) {
      const { error } = await wasmVersusCpu(() =>
        tf.batchNorm(
          tf.tensor(values(tf.util.sizeFromShape(shape), 7), shape),
          tf.tensor(values(tf.util.sizeFromShape(stats), 8), stats),
          tf.add(tf.abs(tf.tensor(values(tf.util.sizeFromShape(stats), 9), stats)), 0.1),
          undefined,
          undefined,
          1e-3,
        ),
      );
      expect(error).toBeLessThan(1e-6);
    }
  });
});

describe("wasm Identity", () => {
  beforeAll(setUpWasm);

  it("should share data with its input, so disposing either leaves the other intact", async () => {
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    const again = tf.clone(copy);
    copy.dispose();
    expect(Array.from(again.dataSync())).toEqual([1, 2, 3]);
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(KERNEL_PATHS)("wasm Sum and Mean ($path)", ({ native, simd }) => {
  beforeAll(setUpWasm);
  useKernelPath(native, simd);

  it.each([
    { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: true },
    { shape: [7, 3], axis: [0], keepDims: false },
    { shape: [2, 3, 4], axis: [2, 0], keepDims: false },
    { shape: [2, 3, 4], axis: [1, 2], keepDims: true },
    { shape: [5, 4], axis: [0, 1], keepDims: false },
    // Middle axes (global average pooling) and widths past the 16-column tiles.
    { shape: [6, 5, 4, 20], axis: [1, 2], keepDims: false },
    { shape: [3, 5, 4, 7], axis: [1, 2], keepDims: true },
    { shape: [3, 5, 41], axis: [0, 1], keepDims: false },
  ])(
    "should match cpu reducing $shape over $axis (keepDims $keepDims)",
    async ({ shape, axis, keepDims }) => {
      for (const reduce of [tf.sum, tf.mean]) {
        const {
          error,
          shape: out,
          cpuShape,
        } = await wasmVersusCpu(() =>
          reduce(tf.tensor(values(tf.util.sizeFromShape(shape), 4), shape), axis, keepDims),
        );
        expect(out).toEqual(cpuShape);
        expect(error).toBeLessThan(1e-6);
      }
    },
  );

  it("should still reduce int32 tensors exactly", async () => {
    await tf.setBackend("wasm");
    expect(
      await tf
        .sum(
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
            ],
            [2, 2],
            "int32",
          ),
          0,
        )
        .array(),
    ).toEqual([4, 6]);
  });
});

describe("wasm UnsortedSegmentSum", () => {
  beforeAll(setUpWasm);

  it("should match cpu, adding rows that share an id", async () => {
    const { error, shape } = await wasmVersusCpu(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d(values(6 * 4, 1), [6, 4]),
        tf.tensor1d([2, 0, 2, 4, 0, 2], "int32"),
        5,
      ),
    );
    expect(shape).toEqual([5, 4]);
    expect(error).toBeLessThan(1e-6);
  });

  it("should drop ids outside [0, numSegments) like TensorFlow", async () => {
    await tf.setBackend("wasm");
    const out = tf.unsortedSegmentSum(
      tf.tensor1d([1, 2, 4, 8]),
      tf.tensor1d([0, -1, 1, 3], "int32"),
      2,
    );
    expect(await out.array()).toEqual([1, 4]);
  });

  it("should give an Embedding's gradient (gather) equal to cpu's", async () => {
    const { error } = await wasmVersusCpu(() => {
      const table = tf.tensor2d(values(7 * 3, 2), [7, 3]);
      const ids = tf.tensor2d(
        [
          [1, 3, 3],
          [6, 0, 1],
        ],
        [2, 3],
        "int32",
      );
      return tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tf.gather(t, ids), tf.tensor(values(18, 3), [2, 3, 3]))),
      )(table);
    });
    expect(error).toBeLessThan(1e-6);
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
