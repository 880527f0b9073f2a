import * as tf from "@tensorflow/tfjs";

import type { PhaseTaps } from "./flipped-taps.js";

/** Geometry of the forward convolution whose input gradient is wanted. */
export interface TransposedConvGeometry {
  /** Height and width of the forward input (the gradient's spatial size). */
  inHeight: number;
  inWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Runs one stride-1 forward convolution of `dy` with the given taps of the
 * filter: rows `rowStart, rowStart + strideHeight, …` and likewise for
 * columns, flipped in both directions. Returns NHWC.
 */
export type PhaseConv = (
  dy: tf.Tensor4D,
  taps: PhaseTaps,
  padding: [[number, number], [number, number], [number, number], [number, number]],
) => tf.Tensor4D;

/**
 * Computes the gradient of a convolution with respect to its input (a
 * transposed convolution) with fast forward kernels only.
 *
 * A stride-s transposed convolution splits into s×s independent stride-1
 * convolutions ("phases"): the gradient at rows congruent to r modulo s only
 * receives filter taps r, r+s, r+2s, …. Running each phase as a dense
 * forward conv and interleaving the results costs the same arithmetic as the
 * forward pass, instead of the s² × waste of convolving a zero-upsampled
 * gradient. Interleaving is a stack plus a reshape, no transpose.
 */
export function transposedConv(
  dy: tf.Tensor4D,
  geo: TransposedConvGeometry,
  conv: PhaseConv,
  channels: number,
  foldColumns?: FoldedRowConv,
): tf.Tensor4D {
  const [batch, outHeight, outWidth] = dy.shape;
  const sh = geo.strideHeight;
  const sw = geo.strideWidth;
  // Rows of the padded forward input covered by each phase.
  const qh = Math.ceil((geo.padTop + geo.inHeight) / sh);
  const qw = Math.ceil((geo.padLeft + geo.inWidth) / sw);
  const rows: tf.Tensor4D[] = [];
  for (let rh = 0; rh < sh; rh++) {
    if (foldColumns && sw > 1) {
      rows.push(
        foldedRow(dy, geo, foldColumns, rh, [batch, qh, qw, channels], [outHeight, outWidth]),
      );
      continue;
    }
    const cols: tf.Tensor4D[] = [];
    for (let rw = 0; rw < sw; rw++) {
      cols.push(phase(dy, geo, conv, rh, rw, [batch, qh, qw, channels], [outHeight, outWidth]));
    }
    // [N, qh, qw, sw, C] → [N, qh, qw·sw, C] puts column phases side by side.
    rows.push(
      sw === 1
        ? cols[0]!
        : (tf.stack(cols, 3).reshape([batch, qh, qw * sw, channels]) as tf.Tensor4D),
    );
  }
  const full =
    sh === 1
      ? rows[0]!
      : (tf.stack(rows, 2).reshape([batch, qh * sh, qw * sw, channels]) as tf.Tensor4D);
  if (geo.padTop === 0 && geo.padLeft === 0 && qh * sh === geo.inHeight && qw * sw === geo.inWidth)
    return full;
  return tf.slice(
    full,
    [0, geo.padTop, geo.padLeft, 0],
    [batch, geo.inHeight, geo.inWidth, channels],
  );
}

/**
 * Runs all column phases of row phase `rowStart` as one stride-1 conv whose
 * output channels are grouped by column phase ([…, sw, C] with phase-major
 * channels), each phase padded to `cols` taps with zeros; see
 * {@link transposedConv}. Returns NHWC with sw·C channels.
 */
export type FoldedRowConv = (
  dy: tf.Tensor4D,
  taps: { rowStart: number; rows: number; cols: number },
  padding: [[number, number], [number, number], [number, number], [number, number]],
) => tf.Tensor4D;

// One row phase with its column phases folded into channels: [N, qh, qw, sw·C]
// is laid out exactly like [N, qh, qw·sw, C], so interleaving the columns is
// a free reshape instead of a Pack, whose wasm kernel copies C floats at a
// time in JavaScript. Costs up to ⌈k/s⌉·s/k more multiply-adds (4/3 for 3×3,
// stride 2) for the zero taps.
function foldedRow(
  dy: tf.Tensor4D,
  geo: TransposedConvGeometry,
  conv: FoldedRowConv,
  rh: number,
  [batch, qh, qw, channels]: [number, number, number, number],
  [outHeight, outWidth]: [number, number],
): tf.Tensor4D {
  const sw = geo.strideWidth;
  const rows = Math.max(0, Math.ceil((geo.filterHeight - rh) / geo.strideHeight));
  if (rows === 0) return tf.zeros([batch, qh, qw * sw, channels]);
  const cols = Math.ceil(geo.filterWidth / sw);
  const out = conv(dy, { rowStart: rh, rows, cols }, [
    [0, 0],
    [(rows - 1) * geo.dilationHeight, Math.max(0, qh - outHeight)],
    [(cols - 1) * geo.dilationWidth, Math.max(0, qw - outWidth)],
    [0, 0],
  ]);
  const cropped =
    out.shape[1] === qh && out.shape[2] === qw
      ? out
      : tf.slice(out, [0, 0, 0, 0], [batch, qh, qw, sw * channels]);
  return cropped.reshape([batch, qh, qw * sw, channels]);
}

function phase(
  dy: tf.Tensor4D,
  geo: TransposedConvGeometry,
  conv: PhaseConv,
  rh: number,
  rw: number,
  shape: [number, number, number, number],
  [outHeight, outWidth]: [number, number],
): tf.Tensor4D {
  const rows = Math.max(0, Math.ceil((geo.filterHeight - rh) / geo.strideHeight));
  const cols = Math.max(0, Math.ceil((geo.filterWidth - rw) / geo.strideWidth));
  // A filter smaller than the stride leaves some output positions untouched.
  if (rows === 0 || cols === 0) return tf.zeros(shape);
  const [, qh, qw] = shape;
  // Full correlation: pad so the first output sees only the last tap, and so
  // at least qh (qw) outputs come out; crop extra ones afterwards.
  const top = (rows - 1) * geo.dilationHeight;
  const left = (cols - 1) * geo.dilationWidth;
  const out = conv(dy, { rowStart: rh, colStart: rw, rows, cols }, [
    [0, 0],
    [top, Math.max(0, qh - outHeight)],
    [left, Math.max(0, qw - outWidth)],
    [0, 0],
  ]);
  if (out.shape[1] === qh && out.shape[2] === qw) return out;
  return tf.slice(out, [0, 0, 0, 0], shape);
}
