// Fused gradients that tfjs builds from many full-size ops: the batch-norm
// gradient (five outputs from two passes over dy and x) and the gradient of
// a mean over leading or middle axes (one broadcast pass).
#include "common.h"

// Per-channel sums over `part`'s share of rows × c values: into scratch
// [part][2][c], Σ dy and Σ dy · (x − mean). mean holds c values.
EXPORT("batch_norm_grad_sums")
void batch_norm_grad_sums(const float* dy, const float* x, const float* mean, float* scratch,
                          int part, int parts, int rows, int c) {
  float* s = scratch + part * 2 * c;
  float* t = s + c;
  fill_zero(s, 2 * c);
  int from, to;
  share(rows, part, parts, &from, &to);
  dy += from * c;
  x += from * c;
  for (int r = from; r < to; r++, dy += c, x += c) {
    int j = 0;
    for (; j + 4 <= c; j += 4) {
      f32x4 d = LOAD(dy + j), u = LOAD(t + j);
      STORE(s + j, wasm_f32x4_add(LOAD(s + j), d));
      MADD(u, d, wasm_f32x4_sub(LOAD(x + j), LOAD(mean + j)));
      STORE(t + j, u);
    }
    for (; j < c; j++) {
      s[j] += dy[j];
      t[j] += dy[j] * (x[j] - mean[j]);
    }
  }
}

// Adds up the `parts` partial sums of batch_norm_grad_sums and writes, per
// channel, the gradients of tf.batchNorm for mean, variance, scale and offset
// (tfjs's formulas), and into dx_scale the factor scale / √(var + ε) that
// turns dy into the x gradient. scale may be 0 (absent: 1).
EXPORT("batch_norm_grad_finish")
void batch_norm_grad_finish(const float* scratch, int parts, const float* var,
                            const float* scale, float epsilon, int c, float* dmean, float* dvar,
                            float* dscale, float* doffset, float* dx_scale) {
  for (int j = 0; j < c; j++) {
    float sum_dy = 0.f, sum_dy_xm = 0.f;
    for (int p = 0; p < parts; p++) {
      sum_dy += scratch[p * 2 * c + j];
      sum_dy_xm += scratch[p * 2 * c + c + j];
    }
    float rstd = 1.f / __builtin_sqrtf(var[j] + epsilon);
    float s = scale ? scale[j] : 1.f;
    doffset[j] = sum_dy;
    dscale[j] = rstd * sum_dy_xm;
    dmean[j] = -rstd * s * sum_dy;
    dvar[j] = -0.5f * rstd * rstd * rstd * s * sum_dy_xm;
    dx_scale[j] = s * rstd;
  }
}

// dx[b][r][j] = dy[b][j] · scale for dx of batches × rows × c values, over
// `part`'s share of the batches × rows rows: the gradient of a mean (scale
// 1/rows) or sum over the middle axes.
EXPORT("broadcast_rows")
void broadcast_rows(const float* dy, float* dx, int part, int parts, int batches, int rows, int c,
                    float scale) {
  f32x4 k = wasm_f32x4_splat(scale);
  int from, to;
  share(batches * rows, part, parts, &from, &to);
  dx += from * c;
  for (int q = from; q < to; q++, dx += c) {
    const float* d = dy + (q / rows) * c;
    int j = 0;
    for (; j + 4 <= c; j += 4) STORE(dx + j, wasm_f32x4_mul(LOAD(d + j), k));
    for (; j < c; j++) dx[j] = d[j] * scale;
  }
}
