// Elementwise and row-wise kernels that a training step calls once or more
// per layer: bias adds and per-channel scales, the ReLU and ReLU6
// gradients, row sums (bias gradients, pooling) and batch norm.
#include "common.h"

// Elementwise kernels split their rows or values among parts (see share).

// y[r][j] = x[r][j] + b[j], or x[r][j] · b[j] with `multiply`, for the rows
// of `part`'s share of rows × c values.
static inline void channel_op(const float* x, const float* b, float* y, int part, int parts,
                              int rows, int c, int multiply) {
  int from, to;
  share(rows, part, parts, &from, &to);
  x += from * c;
  y += from * c;
  for (int r = from; r < to; r++, x += c, y += c) {
    int j = 0;
    for (; j + 4 <= c; j += 4) {
      f32x4 u = LOAD(x + j), v = LOAD(b + j);
      STORE(y + j, multiply ? wasm_f32x4_mul(u, v) : wasm_f32x4_add(u, v));
    }
    for (; j < c; j++) y[j] = multiply ? x[j] * b[j] : x[j] + b[j];
  }
}

// y = x + b for x of rows × c values and b of c (a bias add).
EXPORT("bias_add")
void bias_add(const float* x, const float* b, float* y, int part, int parts, int rows, int c) {
  channel_op(x, b, y, part, parts, rows, c, 0);
}

// y = x · b for x of rows × c values and b of c (a per-channel scale).
EXPORT("channel_scale")
void channel_scale(const float* x, const float* b, float* y, int part, int parts, int rows,
                   int c) {
  channel_op(x, b, y, part, parts, rows, c, 1);
}

// dx = dy where lo ≤ x ≤ hi, else 0: the gradient of clip(x, lo, hi) (ReLU6),
// with tfjs's bounds; NaN in x gives 0.
EXPORT("clip_grad")
void clip_grad(const float* dy, const float* x, float* dx, int part, int parts, int n, float lo,
               float hi) {
  f32x4 low = wasm_f32x4_splat(lo), high = wasm_f32x4_splat(hi);
  int i, end;
  share_values(n, part, parts, &i, &end);
  for (; i + 4 <= end; i += 4) {
    f32x4 v = LOAD(x + i);
    v128_t inside = wasm_v128_and(wasm_f32x4_ge(v, low), wasm_f32x4_le(v, high));
    STORE(dx + i, wasm_v128_and(LOAD(dy + i), inside));
  }
  for (; i < end; i++) dx[i] = x[i] >= lo && x[i] <= hi ? dy[i] : 0.f;
}

// dx = dy where x > 0, else 0: ReLU's gradient. Where x is NaN, dx is NaN,
// as in tfjs's own dy · step(x).
EXPORT("relu_grad")
void relu_grad(const float* dy, const float* x, float* dx, int part, int parts, int n) {
  int i, end;
  share_values(n, part, parts, &i, &end);
  for (; i + 4 <= end; i += 4) {
    f32x4 v = LOAD(x + i);
    v128_t positive = wasm_f32x4_gt(v, ZERO4), nan = wasm_f32x4_ne(v, v);
    STORE(dx + i, wasm_v128_or(wasm_v128_and(LOAD(dy + i), positive), nan));
  }
  for (; i < end; i++) dx[i] = x[i] > 0.f ? dy[i] : x[i] != x[i] ? x[i] : 0.f;
}

// out[b][j] = scale · Σ_r x[b][r][j] for x of batches × rows × c values (a
// sum or mean over middle or leading axes: a bias gradient, global pooling).
EXPORT("sum_rows")
void sum_rows(const float* x, float* out, int batches, int rows, int c, float scale) {
  f32x4 s = wasm_f32x4_splat(scale);
  for (int b = 0; b < batches; b++, x += rows * c, out += c) {
    int j = 0;
    for (; j + 16 <= c; j += 16) {
      f32x4 a0 = ZERO4, a1 = ZERO4, a2 = ZERO4, a3 = ZERO4;
      const float* p = x + j;
      for (int r = 0; r < rows; r++, p += c) {
        a0 = wasm_f32x4_add(a0, LOAD(p));
        a1 = wasm_f32x4_add(a1, LOAD(p + 4));
        a2 = wasm_f32x4_add(a2, LOAD(p + 8));
        a3 = wasm_f32x4_add(a3, LOAD(p + 12));
      }
      STORE(out + j, wasm_f32x4_mul(a0, s));
      STORE(out + j + 4, wasm_f32x4_mul(a1, s));
      STORE(out + j + 8, wasm_f32x4_mul(a2, s));
      STORE(out + j + 12, wasm_f32x4_mul(a3, s));
    }
    for (; j + 4 <= c; j += 4) {
      f32x4 a0 = ZERO4;
      const float* p = x + j;
      for (int r = 0; r < rows; r++, p += c) a0 = wasm_f32x4_add(a0, LOAD(p));
      STORE(out + j, wasm_f32x4_mul(a0, s));
    }
    for (; j < c; j++) {
      float a = 0.f;
      for (int r = 0; r < rows; r++) a += x[r * c + j];
      out[j] = a * scale;
    }
  }
}

// Batch normalisation with per-channel statistics: y = (x - mean) · scale /
// √(var + ε) + offset over rows × c values. Each statistic holds c values,
// or 1 (broadcast); offset and scale may be 0 (absent: 0 and 1). `scratch`
// takes 2·c floats per part.
EXPORT("batch_norm")
void batch_norm(const float* x, const float* mean, int mean_size, const float* var, int var_size,
                const float* offset, int offset_size, const float* scale, int scale_size,
                float epsilon, float* y, float* scratch, int part, int parts, int rows, int c) {
  float* a = scratch + part * 2 * c;
  float* b = a + c;
  int from, to;
  share(rows, part, parts, &from, &to);
  for (int j = 0; j < c; j++) {
    float m = mean[mean_size == 1 ? 0 : j], v = var[var_size == 1 ? 0 : j];
    float s = scale ? scale[scale_size == 1 ? 0 : j] : 1.f;
    float o = offset ? offset[offset_size == 1 ? 0 : j] : 0.f;
    a[j] = s / __builtin_sqrtf(v + epsilon);
    b[j] = o - m * a[j];
  }
  x += from * c;
  y += from * c;
  for (int r = from; r < to; r++, x += c, y += c) {
    int j = 0;
    for (; j + 4 <= c; j += 4) {
      f32x4 t = LOAD(b + j);
      MADD(t, LOAD(x + j), LOAD(a + j));
      STORE(y + j, t);
    }
    for (; j < c; j++) y[j] = x[j] * a[j] + b[j];
  }
}
