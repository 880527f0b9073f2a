// Shared helpers for graft's native kernels (WebAssembly SIMD128, or relaxed
// SIMD where MADD says so).
//
// The kernels run on the memory of tfjs-backend-wasm's own module, which
// graft's module imports. So nothing here may touch memory the caller did not
// hand over: no static data, no C stack (clang keeps every local in a wasm
// local when no local has its address taken; scripts/build-native.ts checks
// the compiled module for a data section and for stack-pointer use).
#pragma once
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef v128_t f32x4;
#define LOAD wasm_v128_load
#define STORE wasm_v128_store
#define SPLAT wasm_v128_load32_splat
#define ZERO4 wasm_f32x4_splat(0.f)
#ifdef __wasm_relaxed_simd__
// c += a·b as one f32x4.relaxed_madd (a fused multiply-add where the CPU has
// one). The relaxed-SIMD build only (clang-16 -mrelaxed-simd, whose header
// lacks wasm_f32x4_relaxed_madd, hence the builtin).
#define MADD(c, a, b) \
  c = (f32x4)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(c))
#else
// c += a·b (wasm SIMD128 has no fused multiply-add).
#define MADD(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#endif

// Rows of output pixels processed per block: big enough that per-block work
// is amortised, small enough that a block of patches stays in L2.
#define BLOCK_ROWS 128

static inline int min_int(int a, int b) { return a < b ? a : b; }

// Kernels that can run split into `parts` at once on different threads
// (part 0 … parts-1, sharing memory) each take the share [*from, *to) of
// their `count` items (images, rows, pixel blocks) that `part` gets.
static inline void share(int count, int part, int parts, int* from, int* to) {
  *from = (int)((long long)count * part / parts);
  *to = (int)((long long)count * (part + 1) / parts);
}

// The same for `count` values split in groups of 4, so that every part but
// the last runs whole SIMD vectors.
static inline void share_values(int count, int part, int parts, int* from, int* to) {
  share((count + 3) / 4, part, parts, from, to);
  *from *= 4;
  *to = min_int(*to * 4, count);
}

static inline void fill_zero(float* dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) STORE(dst + i, ZERO4);
  for (; i < n; i++) dst[i] = 0.f;
}

static inline void copy_floats(float* dst, const float* src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) STORE(dst + i, LOAD(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

static inline void add_floats(float* dst, const float* src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) STORE(dst + i, wasm_f32x4_add(LOAD(dst + i), LOAD(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}

// The geometry of a 2-D convolution over NHWC data with an [KH, KW, C, O]
// filter, passed to every conv kernel as plain integers.
#define CONV_PARAMS                                                               \
  int N, int H, int W, int C, int OH, int OW, int O, int KH, int KW, int SH, int SW, \
      int DH, int DW, int PT, int PL
#define CONV_ARGS N, H, W, C, OH, OW, O, KH, KW, SH, SW, DH, DW, PT, PL

// Patch width rounded up to a multiple of 4 (rows of patch blocks are padded
// with zeros so that the 4-row kernels never read past a row).
static inline int padded_patch(int KH, int KW, int C) { return (KH * KW * C + 3) & ~3; }
