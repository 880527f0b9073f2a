// Register-blocked matrix products: 4 rows × 8 columns of the result live in
// eight SIMD accumulators while the shared dimension streams past.
#pragma once
#include "common.h"

// Stores v at d, or adds it to what d holds.
static inline void put(float* d, f32x4 v, int accumulate) {
  STORE(d, accumulate ? wasm_f32x4_add(LOAD(d), v) : v);
}

// c[M][N] = a[M][K] · b[K][N], or c += a · b with `accumulate`. Row strides
// lda, ldb, ldc.
static void gemm_nn(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int M,
                    int N, int K, int accumulate) {
  for (int i = 0; i < M; i += 4) {
    int rows = min_int(M - i, 4);
    // Short tiles re-read the first row; only valid rows are stored.
    const float* a0 = a + i * lda;
    const float* a1 = rows > 1 ? a0 + lda : a0;
    const float* a2 = rows > 2 ? a0 + 2 * lda : a0;
    const float* a3 = rows > 3 ? a0 + 3 * lda : a0;
    float* c0 = c + i * ldc;
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      f32x4 c00 = ZERO4, c01 = ZERO4, c10 = ZERO4, c11 = ZERO4;
      f32x4 c20 = ZERO4, c21 = ZERO4, c30 = ZERO4, c31 = ZERO4;
      const float* bk = b + j;
      for (int k = 0; k < K; k++, bk += ldb) {
        f32x4 b0 = LOAD(bk), b1 = LOAD(bk + 4);
        f32x4 x0 = SPLAT(a0 + k), x1 = SPLAT(a1 + k), x2 = SPLAT(a2 + k), x3 = SPLAT(a3 + k);
        MADD(c00, x0, b0); MADD(c01, x0, b1);
        MADD(c10, x1, b0); MADD(c11, x1, b1);
        MADD(c20, x2, b0); MADD(c21, x2, b1);
        MADD(c30, x3, b0); MADD(c31, x3, b1);
      }
      float* d = c0 + j;
      put(d, c00, accumulate); put(d + 4, c01, accumulate);
      if (rows > 1) { put(d + ldc, c10, accumulate); put(d + ldc + 4, c11, accumulate); }
      if (rows > 2) { put(d + 2 * ldc, c20, accumulate); put(d + 2 * ldc + 4, c21, accumulate); }
      if (rows > 3) { put(d + 3 * ldc, c30, accumulate); put(d + 3 * ldc + 4, c31, accumulate); }
    }
    for (; j + 4 <= N; j += 4) {
      f32x4 c00 = ZERO4, c10 = ZERO4, c20 = ZERO4, c30 = ZERO4;
      const float* bk = b + j;
      for (int k = 0; k < K; k++, bk += ldb) {
        f32x4 b0 = LOAD(bk);
        MADD(c00, SPLAT(a0 + k), b0); MADD(c10, SPLAT(a1 + k), b0);
        MADD(c20, SPLAT(a2 + k), b0); MADD(c30, SPLAT(a3 + k), b0);
      }
      float* d = c0 + j;
      put(d, c00, accumulate);
      if (rows > 1) put(d + ldc, c10, accumulate);
      if (rows > 2) put(d + 2 * ldc, c20, accumulate);
      if (rows > 3) put(d + 3 * ldc, c30, accumulate);
    }
    for (; j < N; j++)
      for (int r = 0; r < rows; r++) {
        const float* ar = a0 + r * lda;
        float s = 0.f;
        for (int k = 0; k < K; k++) s += ar[k] * b[k * ldb + j];
        c0[r * ldc + j] = accumulate ? c0[r * ldc + j] + s : s;
      }
  }
}

// c[M][N] += Σ_r a[r][m] · b[r][n] over r < R, i.e. c += aᵀ·b, for a stored
// [R][lda] and b [R][ldb].
static void gemm_tn_add(const float* a, int lda, const float* b, int ldb, float* c, int ldc,
                        int M, int N, int R) {
  for (int m = 0; m < M; m += 4) {
    int rows = min_int(M - m, 4);
    // Short tiles re-read column m; only valid rows are stored.
    int o1 = rows > 1 ? 1 : 0, o2 = rows > 2 ? 2 : 0, o3 = rows > 3 ? 3 : 0;
    float* c0 = c + m * ldc;
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      f32x4 c00 = ZERO4, c01 = ZERO4, c10 = ZERO4, c11 = ZERO4;
      f32x4 c20 = ZERO4, c21 = ZERO4, c30 = ZERO4, c31 = ZERO4;
      const float* ar = a + m;
      const float* br = b + j;
      for (int r = 0; r < R; r++, ar += lda, br += ldb) {
        f32x4 b0 = LOAD(br), b1 = LOAD(br + 4);
        f32x4 x0 = SPLAT(ar), x1 = SPLAT(ar + o1), x2 = SPLAT(ar + o2), x3 = SPLAT(ar + o3);
        MADD(c00, x0, b0); MADD(c01, x0, b1);
        MADD(c10, x1, b0); MADD(c11, x1, b1);
        MADD(c20, x2, b0); MADD(c21, x2, b1);
        MADD(c30, x3, b0); MADD(c31, x3, b1);
      }
      float* d = c0 + j;
#define ACCUMULATE(d, v) STORE(d, wasm_f32x4_add(LOAD(d), v))
      ACCUMULATE(d, c00); ACCUMULATE(d + 4, c01);
      if (rows > 1) { ACCUMULATE(d + ldc, c10); ACCUMULATE(d + ldc + 4, c11); }
      if (rows > 2) { ACCUMULATE(d + 2 * ldc, c20); ACCUMULATE(d + 2 * ldc + 4, c21); }
      if (rows > 3) { ACCUMULATE(d + 3 * ldc, c30); ACCUMULATE(d + 3 * ldc + 4, c31); }
    }
    for (; j + 4 <= N; j += 4) {
      f32x4 c00 = ZERO4, c10 = ZERO4, c20 = ZERO4, c30 = ZERO4;
      const float* ar = a + m;
      const float* br = b + j;
      for (int r = 0; r < R; r++, ar += lda, br += ldb) {
        f32x4 b0 = LOAD(br);
        MADD(c00, SPLAT(ar), b0); MADD(c10, SPLAT(ar + o1), b0);
        MADD(c20, SPLAT(ar + o2), b0); MADD(c30, SPLAT(ar + o3), b0);
      }
      float* d = c0 + j;
      ACCUMULATE(d, c00);
      if (rows > 1) ACCUMULATE(d + ldc, c10);
      if (rows > 2) ACCUMULATE(d + 2 * ldc, c20);
      if (rows > 3) ACCUMULATE(d + 3 * ldc, c30);
#undef ACCUMULATE
    }
    for (; j < N; j++)
      for (int i = 0; i < rows; i++) {
        float s = 0.f;
        for (int r = 0; r < R; r++) s += a[r * lda + m + i] * b[r * ldb + j];
        c0[i * ldc + j] += s;
      }
  }
}
