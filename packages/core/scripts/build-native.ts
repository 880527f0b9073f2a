// Compiles native/*.c (graft's WebAssembly SIMD kernels) with Debian's clang
// and wasm-ld, checks that each module is safe to run on another module's
// memory, and embeds them in src/engine/wasm/native/binary.ts: the SIMD128
// build (clang, i.e. clang-14) and the relaxed-SIMD build (clang-16, whose
// MADD is f32x4.relaxed_madd), each for a plain and a shared memory. Needs
// clang, clang-16, lld, lld-16 and wabt (`apt-get install clang clang-16 lld
// lld-16 wabt`); the package build does not, as the generated file is
// committed. Run from packages/core:
//   node --import @graft/ts-hooks/register scripts/build-native.ts
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const nativeDir = join(packageDir, "native");
const generated = join(packageDir, "src/engine/wasm/native/binary.ts");

const CLANG_FLAGS = [
  "--target=wasm32",
  "-O3",
  "-msimd128",
  "-mbulk-memory",
  "-nostdlib",
  "-Wall",
  "-Wno-unused-parameter",
  "-Werror",
  "-Wl,--no-entry",
  "-Wl,--import-memory",
  "-Wl,--strip-all",
];

// The variant for tfjs-backend-wasm's threaded build, whose memory is shared
// (up to the 4 GiB wasm32 can address).
const SHARED_FLAGS = ["-matomics", "-Wl,--shared-memory", "-Wl,--max-memory=4294967296"];

/** The two instruction sets the kernels are built for. */
export type NativeBuild = "simd128" | "relaxed-simd";

// clang-14 has no relaxed SIMD; clang-16 has the instructions (not the header's intrinsics).
const COMPILERS: Record<NativeBuild, { clang: string; flags: string[] }> = {
  simd128: { clang: "clang", flags: [] },
  "relaxed-simd": { clang: "clang-16", flags: ["-mrelaxed-simd"] },
};

/** SHA-256 over native/'s sources (names and contents, in name order). */
export function nativeSourceHash(): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(nativeDir)
    .filter((n) => /\.[ch]$/.test(n))
    .sort()) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(nativeDir, name)));
  }
  return hash.digest("hex");
}

/** Compiles native/ as `build` (for a shared memory with `shared`) and returns the checked module's bytes. */
export function compileNative(build: NativeBuild = "simd128", shared = false): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "graft-native-"));
  try {
    const out = join(dir, "kernels.wasm");
    const sources = readdirSync(nativeDir)
      .filter((n) => n.endsWith(".c"))
      .sort();
    const { clang, flags: extra } = COMPILERS[build];
    const flags = [...CLANG_FLAGS, ...extra, ...(shared ? SHARED_FLAGS : [])];
    try {
      execFileSync(clang, [...flags, "-o", out, ...sources], { cwd: nativeDir, stdio: "pipe" });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
      throw new Error(`${clang} failed on native/:\n${stderr}`, { cause: error });
    }
    const text = execFileSync("wasm2wat", ["--enable-threads", "--enable-relaxed-simd", out], {
      encoding: "utf8",
    });
    checkSelfContained(text);
    const fused = text.includes("f32x4.relaxed_madd");
    if (fused !== (build === "relaxed-simd"))
      throw new Error(
        `the ${build} build ${fused ? "has" : "lacks"} f32x4.relaxed_madd; expected it only in the relaxed-SIMD build`,
      );
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The kernels share tfjs-backend-wasm's memory: a data segment would
// overwrite its heap when instantiated, and the C stack (reached through a
// stack-pointer global) would sit in memory tfjs owns.
function checkSelfContained(text: string): void {
  const problems = [
    /\(data\b/.test(text) && "a data segment (static data)",
    /global\.(get|set)/.test(text) && "use of a global (the C stack pointer)",
    /\(import\s+"(?!env" "memory")/.test(text) && "an import other than env.memory",
    /\(start\b/.test(text) && "a start function",
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(
      `native kernels must not use memory of their own, but the module has ${problems.join(", ")}; ` +
        "keep locals out of memory (no arrays, no address-taken locals) and constants in code",
    );
}

function main(): void {
  const modules = [
    ["NATIVE_WASM_BASE64", "The compiled kernels", compileNative("simd128")],
    [
      "NATIVE_SHARED_WASM_BASE64",
      "The same for a shared memory (the threaded build)",
      compileNative("simd128", true),
    ],
    [
      "NATIVE_RELAXED_WASM_BASE64",
      "The relaxed-SIMD build (f32x4.relaxed_madd)",
      compileNative("relaxed-simd"),
    ],
    [
      "NATIVE_RELAXED_SHARED_WASM_BASE64",
      "The relaxed-SIMD build for a shared memory",
      compileNative("relaxed-simd", true),
    ],
  ] as const;
  writeFileSync(
    generated,
    [
      "// Generated by scripts/build-native.ts from native/*.{c,h}; do not edit.",
      "",
      "/** SHA-256 of the sources these modules were compiled from (see nativeSourceHash). */",
      `export const NATIVE_SOURCE_SHA256 = "${nativeSourceHash()}";`,
      ...modules.flatMap(([name, what, bytes]) => [
        "",
        `/** ${what} (${bytes.length} bytes of WebAssembly), base64-encoded. */`,
        `export const ${name} =\n  "${Buffer.from(bytes).toString("base64")}";`,
      ]),
      "",
    ].join("\n"),
  );
  console.log(`wrote ${generated} (${modules.map((m) => m[2].length).join(" + ")} bytes of wasm)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
