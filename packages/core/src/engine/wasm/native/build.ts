import { EngineError } from "../../../errors.js";
import {
  NATIVE_RELAXED_SHARED_WASM_BASE64,
  NATIVE_RELAXED_WASM_BASE64,
  NATIVE_SHARED_WASM_BASE64,
  NATIVE_WASM_BASE64,
} from "./binary.js";

/**
 * The instruction sets graft's native kernels are built for: plain 128-bit
 * SIMD (every runtime graft supports), and relaxed SIMD, whose
 * `f32x4.relaxed_madd` is a fused multiply-add where the CPU has one (V8 ≥
 * 11.4: Node 22 and 24; not Node 20).
 */
export type NativeBuild = "simd128" | "relaxed-simd";

// (module (func (param v128 v128 v128) (result v128)
//   local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b,
  0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20,
  0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

let relaxed: boolean | undefined;

/** Whether this runtime's WebAssembly has relaxed SIMD (validates a module using `f32x4.relaxed_madd`). */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    const api = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } })
      .WebAssembly;
    relaxed = api?.validate(RELAXED_MADD_PROBE) ?? false;
  }
  return relaxed;
}

/**
 * The build that loads: relaxed SIMD where the runtime has it, else SIMD128.
 * `GRAFT_WASM_SIMD=simd128` forces SIMD128; `GRAFT_WASM_SIMD=relaxed-simd`
 * asks for relaxed SIMD and fails where the runtime lacks it.
 */
export function nativeBuild(): NativeBuild {
  const asked = process.env["GRAFT_WASM_SIMD"];
  if (asked === "simd128") return "simd128";
  if (asked === "relaxed-simd") {
    if (!relaxedSimdSupported())
      throw new EngineError(
        `GRAFT_WASM_SIMD is "relaxed-simd", but this runtime (Node ${process.version}) has no WebAssembly relaxed SIMD.`,
        { fix: 'use Node 22 or 24, or unset GRAFT_WASM_SIMD (or set it to "simd128")' },
      );
    return "relaxed-simd";
  }
  if (asked !== undefined && asked !== "" && asked !== "auto")
    throw new EngineError(
      `GRAFT_WASM_SIMD is "${asked}", expected "auto", "simd128" or "relaxed-simd".`,
      { fix: "unset GRAFT_WASM_SIMD to pick the build automatically" },
    );
  return relaxedSimdSupported() ? "relaxed-simd" : "simd128";
}

/** The module's bytes for `build`, for a shared memory (the threaded build) with `shared`. */
export function nativeModuleBytes(build: NativeBuild, shared: boolean): Uint8Array {
  const base64 =
    build === "relaxed-simd"
      ? shared
        ? NATIVE_RELAXED_SHARED_WASM_BASE64
        : NATIVE_RELAXED_WASM_BASE64
      : shared
        ? NATIVE_SHARED_WASM_BASE64
        : NATIVE_WASM_BASE64;
  return Buffer.from(base64, "base64");
}
