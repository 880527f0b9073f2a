import { execFileSync } from "node:child_process";

import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { compileNative, nativeSourceHash } from "../../../../scripts/build-native.js";
import {
  NATIVE_RELAXED_SHARED_WASM_BASE64,
  NATIVE_RELAXED_WASM_BASE64,
  NATIVE_SHARED_WASM_BASE64,
  NATIVE_SOURCE_SHA256,
  NATIVE_WASM_BASE64,
} from "../native/binary.js";
import { nativeBuild, relaxedSimdSupported } from "../native/build.js";
import { nativeKernels } from "../native/instance.js";
import { setUpWasm, values } from "./compare-backends.js";

function hasTools(): boolean {
  try {
    for (const tool of ["clang", "clang-16", "wasm-ld", "wasm2wat"])
      execFileSync(tool, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("the embedded native module", () => {
  it("should have been compiled from the current native/ sources (else run scripts/build-native.ts)", () => {
    expect(NATIVE_SOURCE_SHA256).toBe(nativeSourceHash());
  });

  it.skipIf(!hasTools())("should be reproduced byte for byte by rebuilding native/", () => {
    const rebuilt = (build: "simd128" | "relaxed-simd", shared: boolean) =>
      Buffer.from(compileNative(build, shared)).toString("base64");
    expect(rebuilt("simd128", false)).toBe(NATIVE_WASM_BASE64);
    expect(rebuilt("simd128", true)).toBe(NATIVE_SHARED_WASM_BASE64);
    expect(rebuilt("relaxed-simd", false)).toBe(NATIVE_RELAXED_WASM_BASE64);
    expect(rebuilt("relaxed-simd", true)).toBe(NATIVE_RELAXED_SHARED_WASM_BASE64);
  });
});

describe("nativeKernels", () => {
  beforeAll(setUpWasm);
  afterEach(() => {
    delete process.env["GRAFT_WASM_NATIVE"];
    delete process.env["GRAFT_WASM_SIMD"];
  });

  it("should load the relaxed-SIMD build exactly where the runtime has relaxed SIMD", () => {
    // V8 ships relaxed SIMD from 11.4 (Node 22); Node 20's V8 11.3 lacks it.
    const major = Number(process.versions.node.split(".")[0]);
    expect(relaxedSimdSupported()).toBe(major >= 22);
    expect(nativeKernels(tf.backend())?.build).toBe(major >= 22 ? "relaxed-simd" : "simd128");
  });

  it("should load the SIMD128 build when GRAFT_WASM_SIMD=simd128, and reject unknown values", () => {
    process.env["GRAFT_WASM_SIMD"] = "simd128";
    expect(nativeKernels(tf.backend())?.build).toBe("simd128");
    process.env["GRAFT_WASM_SIMD"] = "avx";
    expect(() => nativeBuild()).toThrow(/expected "auto", "simd128" or "relaxed-simd"/);
    process.env["GRAFT_WASM_SIMD"] = "relaxed-simd";
    if (relaxedSimdSupported()) expect(nativeBuild()).toBe("relaxed-simd");
    else expect(() => nativeBuild()).toThrow(/has no WebAssembly relaxed SIMD/);
  });

  it("should bind to the wasm backend's memory", () => {
    expect(nativeKernels(tf.backend())).toBeDefined();
  });

  it("should be unavailable on other backends and when GRAFT_WASM_NATIVE=0", async () => {
    process.env["GRAFT_WASM_NATIVE"] = "0";
    expect(nativeKernels(tf.backend())).toBeUndefined();
    delete process.env["GRAFT_WASM_NATIVE"];
    await tf.setBackend("cpu");
    expect(nativeKernels(tf.backend())).toBeUndefined();
    await tf.setBackend("wasm");
  });

  it("should leave inputs and neighbouring tensors untouched and leak no tensors", () => {
    const x = tf.tensor4d(values(2 * 9 * 10 * 6, 1), [2, 9, 10, 6]);
    const w = tf.tensor4d(values(3 * 3 * 6 * 12, 2), [3, 3, 6, 12]);
    const before = tf.memory().numTensors;
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")),
    )([x, w]);
    // The neighbours: everything allocated before and around the kernels' outputs.
    expect(Array.from(x.dataSync())).toEqual(Array.from(values(x.size, 1)));
    expect(Array.from(w.dataSync())).toEqual(Array.from(values(w.size, 2)));
    expect(gx!.shape).toEqual(x.shape);
    expect(gw!.shape).toEqual(w.shape);
    tf.dispose([gx!, gw!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
