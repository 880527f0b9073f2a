// Convolution by output rows, for images with few channels (C < 8), where
// copying patches costs about as much as the products. For output row
// (n, oh) and filter row kh, the patch segments (KW·C floats each) of the
// pixels whose taps all fall inside the image row lie SW·C floats apart in
// x: a strided matrix the products read in place. The few pixels at the
// left and right borders take a scalar path. Needs DW == 1.
#include "gemm.h"

// The output columns [*lo, *hi) whose KW taps all fall inside a row of W.
static void interior_columns(int OW, int W, int KW, int SW, int PL, int* lo, int* hi) {
  int first = (PL + SW - 1) / SW;
  int room = W - KW + PL;  // the last column's ow · SW may reach this
  int last = room < 0 ? -1 : room / SW;
  *lo = min_int(first, OW);
  *hi = last + 1 < *lo ? *lo : min_int(last + 1, OW);
}

// y = conv(x, w) for output rows shared among parts.
EXPORT("conv2d_rows")
void conv2d_rows(const float* x, const float* w, float* y, int part, int parts, CONV_PARAMS) {
  int lo, hi, first, last, segment = KW * C;
  interior_columns(OW, W, KW, SW, PL, &lo, &hi);
  share(N * OH, part, parts, &first, &last);
  for (int row = first; row < last; row++) {
    int n = row / OH, oh = row - n * OH;
    float* out = y + row * OW * O;
    fill_zero(out, OW * O);
    for (int kh = 0; kh < KH; kh++) {
      int ih = oh * SH - PT + kh * DH;
      if (ih < 0 || ih >= H) continue;
      const float* in = x + (n * H + ih) * W * C;
      const float* taps = w + kh * segment * O;
      if (hi > lo)
        gemm_nn(in + (lo * SW - PL) * C, SW * C, taps, O, out + lo * O, O, hi - lo, O, segment, 1);
      for (int ow = 0; ow < OW; ow++) {
        if (ow == lo) ow = hi;
        if (ow >= OW) break;
        for (int kw = 0; kw < KW; kw++) {
          int iw = ow * SW - PL + kw;
          if (iw < 0 || iw >= W) continue;
          for (int c = 0; c < C; c++) {
            float v = in[iw * C + c];
            const float* t = taps + (kw * C + c) * O;
            for (int o = 0; o < O; o++) out[ow * O + o] += v * t[o];
          }
        }
      }
    }
  }
}

// The filter gradient by rows; scratch and partial sums as conv2d_filter_grad
// (finish with conv2d_filter_grad_reduce).
EXPORT("conv2d_filter_grad_rows")
void conv2d_filter_grad_rows(const float* x, const float* dy, float* dw, float* scratch, int part,
                             int parts, CONV_PARAMS) {
  int lo, hi, first, last, segment = KW * C, kc = KH * segment;
  float* sum = part == 0 ? dw : scratch + part * (kc * O + BLOCK_ROWS * padded_patch(KH, KW, C));
  interior_columns(OW, W, KW, SW, PL, &lo, &hi);
  share(N * OH, part, parts, &first, &last);
  fill_zero(sum, kc * O);
  for (int row = first; row < last; row++) {
    int n = row / OH, oh = row - n * OH;
    const float* grad = dy + row * OW * O;
    for (int kh = 0; kh < KH; kh++) {
      int ih = oh * SH - PT + kh * DH;
      if (ih < 0 || ih >= H) continue;
      const float* in = x + (n * H + ih) * W * C;
      float* taps = sum + kh * segment * O;
      if (hi > lo)
        gemm_tn_add(in + (lo * SW - PL) * C, SW * C, grad + lo * O, O, taps, O, segment, O, hi - lo);
      for (int ow = 0; ow < OW; ow++) {
        if (ow == lo) ow = hi;
        if (ow >= OW) break;
        for (int kw = 0; kw < KW; kw++) {
          int iw = ow * SW - PL + kw;
          if (iw < 0 || iw >= W) continue;
          for (int c = 0; c < C; c++) {
            float v = in[iw * C + c];
            float* t = taps + (kw * C + c) * O;
            for (int o = 0; o < O; o++) t[o] += v * grad[ow * O + o];
          }
        }
      }
    }
  }
}
