// Gradients of a depthwise 2-D convolution with channel multiplier 1 (NHWC
// data, [KH, KW, C, 1] filter, so O == C). Every tap is a per-channel
// product, vectorised over channels; parts take whole images.
#include "common.h"

// acc[c] += a[c] · b[c] over C channels.
static inline void madd_channels(float* acc, const float* a, const float* b, int C) {
  int c = 0;
  for (; c + 4 <= C; c += 4) {
    f32x4 s = LOAD(acc + c);
    MADD(s, LOAD(a + c), LOAD(b + c));
    STORE(acc + c, s);
  }
  for (; c < C; c++) acc[c] += a[c] * b[c];
}

// The taps [*k0, *k1) whose positions out·S - P + k·D fall inside [0, size).
static inline void valid_taps(int out, int S, int P, int D, int K, int size, int* k0, int* k1) {
  int start = out * S - P;
  *k0 = start < 0 ? min_int((-start + D - 1) / D, K) : 0;
  *k1 = size - start <= 0 ? 0 : min_int((size - start + D - 1) / D, K);
}

// Scratch floats one part of depthwise_filter_grad needs: its partial sum.
EXPORT("depthwise_filter_grad_scratch")
int depthwise_filter_grad_scratch(int KH, int KW, int C) { return KH * KW * C; }

// dw[kh][kw][c] = Σ over output pixels of x at the tap · dy. Part 0 sums
// into dw, the others into their scratch (see depthwise_filter_grad_reduce).
EXPORT("depthwise_filter_grad")
void depthwise_filter_grad(const float* x, const float* dy, float* dw, float* scratch, int part,
                           int parts, CONV_PARAMS) {
  int taps = KH * KW * C, first, last, kh0, kh1, kw0, kw1;
  float* sum = part == 0 ? dw : scratch + part * taps;
  share(N, part, parts, &first, &last);
  fill_zero(sum, taps);
  for (int n = first; n < last; n++)
    for (int oh = 0; oh < OH; oh++) {
      valid_taps(oh, SH, PT, DH, KH, H, &kh0, &kh1);
      for (int ow = 0; ow < OW; ow++) {
        valid_taps(ow, SW, PL, DW, KW, W, &kw0, &kw1);
        const float* g = dy + ((n * OH + oh) * OW + ow) * C;
        const float* corner = x + ((n * H + oh * SH - PT) * W + ow * SW - PL) * C;
        for (int kh = kh0; kh < kh1; kh++)
          for (int kw = kw0; kw < kw1; kw++)
            madd_channels(sum + (kh * KW + kw) * C, corner + (kh * DH * W + kw * DW) * C, g, C);
      }
    }
}

// Adds the partial sums of parts 1 … parts-1 to dw.
EXPORT("depthwise_filter_grad_reduce")
void depthwise_filter_grad_reduce(float* dw, const float* scratch, int parts, int KH, int KW,
                                  int C) {
  int taps = KH * KW * C;
  for (int part = 1; part < parts; part++) add_floats(dw, scratch + part * taps, taps);
}

// dx[n, ih, iw, c] = Σ over the output pixels whose taps reach it of
// dy · w[tap]: each output pixel's gradient spread over its taps. Parts take
// whole images.
EXPORT("depthwise_input_grad")
void depthwise_input_grad(const float* dy, const float* w, float* dx, int part, int parts,
                          CONV_PARAMS) {
  int first, last, kh0, kh1, kw0, kw1;
  share(N, part, parts, &first, &last);
  fill_zero(dx + first * H * W * C, (last - first) * H * W * C);
  for (int n = first; n < last; n++)
    for (int oh = 0; oh < OH; oh++) {
      valid_taps(oh, SH, PT, DH, KH, H, &kh0, &kh1);
      for (int ow = 0; ow < OW; ow++) {
        valid_taps(ow, SW, PL, DW, KW, W, &kw0, &kw1);
        const float* g = dy + ((n * OH + oh) * OW + ow) * C;
        float* corner = dx + ((n * H + oh * SH - PT) * W + ow * SW - PL) * C;
        for (int kh = kh0; kh < kh1; kh++)
          for (int kw = kw0; kw < kw1; kw++)
            madd_channels(corner + (kh * DH * W + kw * DW) * C, g, w + (kh * KW + kw) * C, C);
      }
    }
}
