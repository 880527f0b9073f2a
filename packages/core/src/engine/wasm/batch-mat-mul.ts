import * as tf from "@tensorflow/tfjs";

import { asTensor, kernelInputs, replacingStock } from "./kernel-tensors.js";
import { stockProductWithFreshWeights } from "./xnn-weight-cache.js";

/**
 * A faster `BatchMatMul` for wasm when an operand is transposed. The stock
 * kernel hands only the plain product a·b to XNNPACK; with `transposeA` or
 * `transposeB` it runs a scalar loop at ~0.5 GFLOP/s, and those are exactly
 * the products a dense layer's backward pass asks for (dy·Wᵀ for the input,
 * xᵀ·dy for the kernel). Transposing operands first (or the result, see
 * below) costs one pass over them, after which the stock kernel's fast path
 * does the product. Other dtypes, mismatched shapes and the plain product go
 * to the stock kernel.
 */
export function createBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return replacingStock(stock, (args) => {
    const { a, b } = kernelInputs(args.inputs, "a", "b");
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const innerA = a.shape[a.shape.length - (transposeA ? 2 : 1)];
    const innerB = b.shape[b.shape.length - (transposeB ? 1 : 2)];
    // Mismatched operands go to the stock kernel too, whose error names the
    // transposes the caller asked for.
    if (
      (!transposeA && !transposeB) ||
      a.dtype !== "float32" ||
      b.dtype !== "float32" ||
      innerA !== innerB
    ) {
      return stockProductWithFreshWeights(stock, args);
    }
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)]!;
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)]!;
    const inner = innerA!;
    // Either transpose the transposed operands, or compute (op(b)ᵀ·op(a)ᵀ)ᵀ,
    // which transposes the other operands and the result: whichever moves
    // fewer values. A transposed operand is already in op(·)ᵀ's layout.
    const direct = (transposeA ? rows * inner : 0) + (transposeB ? inner * cols : 0);
    const swapped = (transposeA ? 0 : rows * inner) + (transposeB ? 0 : inner * cols) + rows * cols;
    return tf.tidy(() => {
      const left = asTensor(a);
      const right = asTensor(b);
      // The stock kernel broadcasts batch axes for the operands in the order
      // given; swapping them is only safe without broadcasting.
      if (direct <= swapped || !sameBatch(a.shape, b.shape))
        return tf.matMul(
          transposeA ? swapInnerAxes(left) : left,
          transposeB ? swapInnerAxes(right) : right,
        );
      return swapInnerAxes(
        tf.matMul(
          transposeB ? right : swapInnerAxes(right),
          transposeA ? left : swapInnerAxes(left),
        ),
      );
    });
  });
}

/** Whether a and b have the same batch axes (or one matrix each). */
function sameBatch(a: readonly number[], b: readonly number[]): boolean {
  const outerA = a.slice(0, -2);
  const outerB = b.slice(0, -2);
  if (outerA.every((s) => s === 1) && outerB.every((s) => s === 1)) return true;
  return outerA.length === outerB.length && outerA.every((s, i) => s === outerB[i]);
}

/** `x` with its last two axes swapped, as a 2-D transpose when there is one matrix. */
function swapInnerAxes(x: tf.Tensor): tf.Tensor {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2]!;
  const cols = x.shape[rank - 1]!;
  const outer = x.shape.slice(0, -2);
  const outShape = [...outer, cols, rows];
  // wasm's Transpose is quick for 2-D and walks element by element for a
  // 3-D permutation, even one whose leading axis has size 1.
  if (outer.every((size) => size === 1))
    return tf.transpose(x.reshape([rows, cols])).reshape(outShape);
  const matrices = outer.reduce((n, size) => n * size, 1);
  return tf.transpose(x.reshape([matrices, rows, cols]), [0, 2, 1]).reshape(outShape);
}
