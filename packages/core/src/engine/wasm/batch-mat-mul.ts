import * as tf from "@tensorflow/tfjs";

import { asTensor, kernelInputs, replacingStock } from "./kernel-tensors.js";

/**
 * A faster `BatchMatMul` for wasm when an operand is transposed. The stock
 * kernel hands only the plain product a·b to XNNPACK; with `transposeA` or
 * `transposeB` it runs a scalar loop at ~0.5 GFLOP/s, and those are exactly
 * the products a dense layer's backward pass asks for (dy·Wᵀ for the input,
 * xᵀ·dy for the kernel). Transposing the operand first costs one pass over
 * it, after which the stock kernel's fast path does the product. Other
 * dtypes, and the plain product, go to the stock kernel.
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
      return stock.kernelFunc(args);
    }
    return tf.tidy(() => {
      const left = transposeA ? swapInnerAxes(asTensor(a)) : asTensor(a);
      const right = transposeB ? swapInnerAxes(asTensor(b)) : asTensor(b);
      return tf.matMul(left, right);
    });
  });
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
