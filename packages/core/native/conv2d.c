// Gradients of a 2-D convolution (NHWC data, [KH, KW, C, O] filter), by
// blocks of output pixels: extract a block's patches, then one register-
// blocked matrix product per block.
#include "gemm.h"
#include "im2col.h"

// Scratch floats conv2d_filter_grad needs.
EXPORT("conv2d_filter_grad_scratch")
int conv2d_filter_grad_scratch(int KH, int KW, int C, int O) {
  return BLOCK_ROWS * padded_patch(KH, KW, C);
}

// dw[KH·KW·C][O] = Σ over output pixels p of patch(x, p)ᵀ · dy[p].
EXPORT("conv2d_filter_grad")
void conv2d_filter_grad(const float* x, const float* dy, float* dw, float* scratch, CONV_PARAMS) {
  int kc = KH * KW * C, ld = padded_patch(KH, KW, C), pixels = N * OH * OW;
  fill_zero(dw, kc * O);
  for (int p0 = 0; p0 < pixels; p0 += BLOCK_ROWS) {
    int rows = min_int(pixels - p0, BLOCK_ROWS);
    im2col(x, scratch, ld, p0, rows, CONV_ARGS);
    gemm_tn_add(scratch, ld, dy + p0 * O, O, dw, O, kc, O, rows);
  }
}

// Scratch floats conv2d_input_grad needs.
EXPORT("conv2d_input_grad_scratch")
int conv2d_input_grad_scratch(int KH, int KW, int C, int O) {
  return (O + BLOCK_ROWS) * padded_patch(KH, KW, C);
}

// dx = col2im(dy · wᵀ): each output pixel's gradient spread over its patch.
EXPORT("conv2d_input_grad")
void conv2d_input_grad(const float* dy, const float* w, float* dx, float* scratch, CONV_PARAMS) {
  int kc = KH * KW * C, ld = padded_patch(KH, KW, C), pixels = N * OH * OW;
  float* wt = scratch;  // wᵀ as [O][ld]
  float* patches = scratch + O * ld;
  for (int o = 0; o < O; o++) {
    for (int k = 0; k < kc; k++) wt[o * ld + k] = w[k * O + o];
    fill_zero(wt + o * ld + kc, ld - kc);
  }
  fill_zero(dx, N * H * W * C);
  for (int p0 = 0; p0 < pixels; p0 += BLOCK_ROWS) {
    int rows = min_int(pixels - p0, BLOCK_ROWS);
    gemm_nn(dy + p0 * O, O, wt, ld, patches, ld, rows, ld, O);
    col2im_add(patches, ld, dx, p0, rows, CONV_ARGS);
  }
}

