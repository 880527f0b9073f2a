// Patch extraction ("im2col") and its adjoint ("col2im") for NHWC images.
#pragma once
#include "common.h"

// Writes the receptive fields of output pixels p0 … p0+rows-1 (pixels
// numbered n·OH·OW + oh·OW + ow) as rows of `patches` ([rows][ld], each row
// laid out [KH][KW][C] like the filter); taps outside the image are zero.
static void im2col(const float* x, float* patches, int ld, int p0, int rows, CONV_PARAMS) {
  int pixels = OH * OW, kc = KH * KW * C;
  for (int r = 0; r < rows; r++) {
    int p = p0 + r, n = p / pixels, oh = (p - n * pixels) / OW, ow = p - n * pixels - oh * OW;
    int ih0 = oh * SH - PT, iw0 = ow * SW - PL;
    float* row = patches + r * ld;
    for (int kh = 0; kh < KH; kh++) {
      int ih = ih0 + kh * DH;
      float* dst = row + kh * KW * C;
      if (ih < 0 || ih >= H) {
        fill_zero(dst, KW * C);
        continue;
      }
      const float* line = x + (n * H + ih) * W * C;
      if (DW == 1 && iw0 >= 0 && iw0 + KW <= W) {
        copy_floats(dst, line + iw0 * C, KW * C);
        continue;
      }
      for (int kw = 0; kw < KW; kw++) {
        int iw = iw0 + kw * DW;
        if (iw < 0 || iw >= W) fill_zero(dst + kw * C, C);
        else copy_floats(dst + kw * C, line + iw * C, C);
      }
    }
    fill_zero(row + kc, ld - kc);
  }
}

// Adds each row of `patches` back onto the image taps it was read from.
static void col2im_add(const float* patches, int ld, float* x, int p0, int rows, CONV_PARAMS) {
  int pixels = OH * OW;
  for (int r = 0; r < rows; r++) {
    int p = p0 + r, n = p / pixels, oh = (p - n * pixels) / OW, ow = p - n * pixels - oh * OW;
    int ih0 = oh * SH - PT, iw0 = ow * SW - PL;
    const float* row = patches + r * ld;
    for (int kh = 0; kh < KH; kh++) {
      int ih = ih0 + kh * DH;
      if (ih < 0 || ih >= H) continue;
      float* line = x + (n * H + ih) * W * C;
      for (int kw = 0; kw < KW; kw++) {
        int iw = iw0 + kw * DW;
        if (iw >= 0 && iw < W) add_floats(line + iw * C, row + (kh * KW + kw) * C, C);
      }
    }
  }
}
