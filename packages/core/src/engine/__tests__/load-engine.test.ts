import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";

import { EngineError } from "../../errors.js";
import { loadEngine } from "../load-engine.js";

describe("loadEngine", () => {
  const saved = process.env["GRAFT_ENGINE"];
  afterAll(async () => {
    if (saved === undefined) delete process.env["GRAFT_ENGINE"];
    else process.env["GRAFT_ENGINE"] = saved;
  });

  it("should fall back past missing native engines to wasm and say why", async () => {
    delete process.env["GRAFT_ENGINE"];
    const engine = await loadEngine();
    // tfjs-node(-gpu) are optional peers this workspace never installs.
    expect(engine.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(engine.skipped.map((s) => s.name)).toEqual(["gpu", "node"]);
    expect(engine.description).toMatch(
      /^graft engine: wasm, (relaxed-simd|simd128) kernels \(gpu: not installed; node: not installed\)$/,
    );
  });

  it("should load the same engine once however often it is asked", async () => {
    delete process.env["GRAFT_ENGINE"];
    expect(await loadEngine()).toBe(await loadEngine());
  });

  it("should fail clearly when a forced engine cannot load", async () => {
    await expect(loadEngine({ engine: "gpu" })).rejects.toBeInstanceOf(EngineError);
    await expect(loadEngine({ engine: "gpu" })).rejects.toThrow(
      /The "gpu" engine could not be loaded: not installed\nFix: npm install @tensorflow\/tfjs-node-gpu/,
    );
  });

  it("should honour GRAFT_ENGINE and reject unknown values", async () => {
    process.env["GRAFT_ENGINE"] = "cpu";
    const engine = await loadEngine();
    expect(engine.name).toBe("cpu");
    expect(engine.description).toBe("graft engine: cpu (forced by GRAFT_ENGINE)");
    expect(tf.getBackend()).toBe("cpu");
    process.env["GRAFT_ENGINE"] = "tpu";
    expect(() => loadEngine()).toThrow(
      /GRAFT_ENGINE is "tpu", expected one of gpu, node, wasm, cpu/,
    );
  });

  it("should accept wasm threads from 1 to 8 or auto, and reject others with the fix", async () => {
    delete process.env["GRAFT_ENGINE"];
    expect(() => loadEngine({ wasmThreads: 0 })).toThrow(
      /GRAFT_WASM_THREADS\) is "0", expected a whole number from 1 to 8 or "auto"[^]*Fix: unset GRAFT_WASM_THREADS/,
    );
    expect(() => loadEngine({ wasmThreads: 2.5 })).toThrow(EngineError);
    // Forced to cpu, the thread count is only parsed.
    expect((await loadEngine({ engine: "cpu", wasmThreads: "auto" })).name).toBe("cpu");
  });
});
