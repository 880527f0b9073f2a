// Patch extraction ("im2col") and its adjoint ("col2im") for NHWC images.
#pragma once
#include "common.h"

// An output pixel's coordinates, stepped in raster order (pixels numbered
// n·OH·OW + oh·OW + ow) without a division per pixel.
typedef struct {
  int n, oh, ow;
} pixel;

static inline pixel pixel_at(int p, int OH, int OW) {
  pixel at;
  at.n = p / (OH * OW);
  at.oh = (p - at.n * OH * OW) / OW;
  at.ow = p - at.n * OH * OW - at.oh * OW;
  return at;
}

static inline void pixel_next(pixel* at, int OH, int OW) {
  if (++at->ow < OW) return;
  at->ow = 0;
  if (++at->oh < OH) return;
  at->oh = 0;
  at->n++;
}

// Writes the receptive fields of output pixels p0 … p0+rows-1 (pixels
// numbered n·OH·OW + oh·OW + ow) as rows of `patches` ([rows][ld], each row
// laid out [KH][KW][C] like the filter); taps outside the image are zero.
static void im2col(const float* x, float* patches, int ld, int p0, int rows, CONV_PARAMS) {
  int kc = KH * KW * C;
  pixel at = pixel_at(p0, OH, OW);
  for (int r = 0; r < rows; r++, pixel_next(&at, OH, OW)) {
    int n = at.n, ih0 = at.oh * SH - PT, iw0 = at.ow * SW - PL;
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
  pixel at = pixel_at(p0, OH, OW);
  for (int r = 0; r < rows; r++, pixel_next(&at, OH, OW)) {
    int n = at.n, ih0 = at.oh * SH - PT, iw0 = at.ow * SW - PL;
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
