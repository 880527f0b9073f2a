// Gradients of a 2-D convolution (NHWC data, [KH, KW, C, O] filter), by
// blocks of output pixels: extract a block's patches, then one register-
// blocked matrix product per block.
//
// Each kernel can be split into `parts` that run at once on different
// threads (part 0 … parts-1, all sharing memory). `scratch` then holds
// `parts` regions of the size the matching *_scratch function returns.
#include "gemm.h"
#include "im2col.h"

// A 1×1 convolution with stride 1 and no padding: a plain matrix product
// over pixels, whose patches are the input rows themselves.
static inline int pointwise(CONV_PARAMS) {
  return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0;
}

// Scratch floats one part of conv2d_filter_grad needs: its partial filter
// gradient, then a block of patches.
EXPORT("conv2d_filter_grad_scratch")
int conv2d_filter_grad_scratch(int KH, int KW, int C, int O) {
  return KH * KW * C * O + BLOCK_ROWS * padded_patch(KH, KW, C);
}

// dw[KH·KW·C][O] = Σ over output pixels p of patch(x, p)ᵀ · dy[p]. Each part
// sums a range of pixel blocks: part 0 into dw, the others into their
// scratch, which conv2d_filter_grad_reduce then adds to dw.
EXPORT("conv2d_filter_grad")
void conv2d_filter_grad(const float* x, const float* dy, float* dw, float* scratch, int part,
                        int parts, CONV_PARAMS) {
  int kc = KH * KW * C, ld = padded_patch(KH, KW, C), pixels = N * OH * OW;
  float* region = scratch + part * conv2d_filter_grad_scratch(KH, KW, C, O);
  float* sum = part == 0 ? dw : region;
  float* patches = region + kc * O;
  int first, last;
  share((pixels + BLOCK_ROWS - 1) / BLOCK_ROWS, part, parts, &first, &last);
  fill_zero(sum, kc * O);
  for (int block = first; block < last; block++) {
    int p0 = block * BLOCK_ROWS, rows = min_int(pixels - p0, BLOCK_ROWS);
    if (pointwise(CONV_ARGS) && C % 4 == 0) {
      // x's rows are the patches (4-aligned, as gemm_tn_add reads them).
      gemm_tn_add(x + p0 * C, C, dy + p0 * O, O, sum, O, kc, O, rows);
      continue;
    }
    im2col(x, patches, ld, p0, rows, CONV_ARGS);
    gemm_tn_add(patches, ld, dy + p0 * O, O, sum, O, kc, O, rows);
  }
}

// Adds the partial sums of parts 1 … parts-1 to dw.
EXPORT("conv2d_filter_grad_reduce")
void conv2d_filter_grad_reduce(float* dw, const float* scratch, int parts, int KH, int KW, int C,
                               int O) {
  int size = conv2d_filter_grad_scratch(KH, KW, C, O);
  for (int part = 1; part < parts; part++) add_floats(dw, scratch + part * size, KH * KW * C * O);
}

// Scratch floats one part of conv2d_input_grad needs: wᵀ, then a block of
// patches.
EXPORT("conv2d_input_grad_scratch")
int conv2d_input_grad_scratch(int KH, int KW, int C, int O) {
  return (O + BLOCK_ROWS) * padded_patch(KH, KW, C);
}

// dx = col2im(dy · wᵀ): each output pixel's gradient spread over its patch.
// Parts take whole images, whose patches never overlap another's.
EXPORT("conv2d_input_grad")
void conv2d_input_grad(const float* dy, const float* w, float* dx, float* scratch, int part,
                       int parts, CONV_PARAMS) {
  int kc = KH * KW * C, ld = padded_patch(KH, KW, C), image = OH * OW;
  float* wt = scratch + part * conv2d_input_grad_scratch(KH, KW, C, O);  // wᵀ as [O][ld]
  float* patches = wt + O * ld;
  int first, last;
  share(N, part, parts, &first, &last);
  for (int o = 0; o < O; o++) {
    for (int k = 0; k < kc; k++) wt[o * ld + k] = w[k * O + o];
    fill_zero(wt + o * ld + kc, ld - kc);
  }
  if (pointwise(CONV_ARGS)) {
    // dx's rows are the patches: write the product straight into them.
    gemm_nn(dy + first * image * O, O, wt, ld, dx + first * image * C, C, (last - first) * image,
            C, O, 0);
    return;
  }
  fill_zero(dx + first * H * W * C, (last - first) * H * W * C);
  for (int p0 = first * image; p0 < last * image; p0 += BLOCK_ROWS) {
    int rows = min_int(last * image - p0, BLOCK_ROWS);
    gemm_nn(dy + p0 * O, O, wt, ld, patches, ld, rows, ld, O, 0);
    col2im_add(patches, ld, dx, p0, rows, CONV_ARGS);
  }
}
