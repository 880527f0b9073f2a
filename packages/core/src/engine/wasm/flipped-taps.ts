import * as tf from "@tensorflow/tfjs";

/** Which taps of a filter one phase of a transposed convolution uses. */
export interface PhaseTaps {
  rowStart: number;
  colStart: number;
  rows: number;
  cols: number;
}

/**
 * Builds the filter of one phase of a transposed convolution: taps
 * `rowStart, rowStart + strideHeight, …` (likewise for columns), reversed in
 * both spatial directions, optionally with the two channel axes swapped.
 *
 * Filters are tiny (a few thousand values) next to activations, so a single
 * JS pass over a copy of them beats chaining StridedSlice, Reverse and
 * Transpose kernels (each ~0.1–1 ms on wasm for such odd shapes).
 */
export function flippedTaps(
  values: Float32Array,
  shape: readonly [number, number, number, number],
  taps: PhaseTaps,
  strideHeight: number,
  strideWidth: number,
  swapChannels: boolean,
): tf.Tensor4D {
  const [, fw, a, b] = shape;
  const { rowStart, colStart, rows, cols } = taps;
  const out = new Float32Array(rows * cols * a * b);
  let o = 0;
  for (let i = 0; i < rows; i++) {
    const row = rowStart + (rows - 1 - i) * strideHeight;
    for (let j = 0; j < cols; j++) {
      const base = (row * fw + colStart + (cols - 1 - j) * strideWidth) * a * b;
      if (!swapChannels) {
        out.set(values.subarray(base, base + a * b), o);
        o += a * b;
        continue;
      }
      for (let q = 0; q < b; q++) {
        for (let p = 0; p < a; p++) out[o++] = values[base + p * b + q]!;
      }
    }
  }
  return tf.tensor4d(out, swapChannels ? [rows, cols, b, a] : [rows, cols, a, b]);
}

/**
 * The filter of one row phase of a transposed 2-D convolution with all its
 * column phases folded into the output channels (see `FoldedRowConv`):
 * [rows, cols, outC, strideWidth·inC] from a [KH, KW, inC, outC] filter,
 * rows and window columns reversed, zero where a column phase has fewer taps.
 */
export function foldedRowTaps(
  values: Float32Array,
  shape: readonly [number, number, number, number],
  taps: { rowStart: number; rows: number; cols: number },
  strideHeight: number,
  strideWidth: number,
): tf.Tensor4D {
  const [, fw, inC, outC] = shape;
  const { rowStart, rows, cols } = taps;
  const width = strideWidth * inC;
  const out = new Float32Array(rows * cols * outC * width);
  for (let i = 0; i < rows; i++) {
    const row = rowStart + (rows - 1 - i) * strideHeight;
    for (let t = 0; t < cols; t++) {
      for (let phase = 0; phase < strideWidth; phase++) {
        const col = phase + (cols - 1 - t) * strideWidth;
        if (col >= fw) continue;
        const base = (row * fw + col) * inC * outC;
        for (let p = 0; p < inC; p++) {
          for (let q = 0; q < outC; q++) {
            out[((i * cols + t) * outC + q) * width + phase * inC + p] =
              values[base + p * outC + q]!;
          }
        }
      }
    }
  }
  return tf.tensor4d(out, [rows, cols, outC, width]);
}
