import * as tf from "@tensorflow/tfjs";

/**
 * The values of the tensor `make` returns, with every tensor it made freed.
 * The values are read after `tf.tidy` has kept the result: a typed array
 * returned from `tidy` itself is walked element by element (tidy looks for
 * tensors inside what it returns), which cost more than a small network's
 * kernels on each 80 ms push.
 */
export function tidyValues(make: () => tf.Tensor): Float32Array {
  const result = tf.tidy(make);
  try {
    return result.dataSync() as Float32Array;
  } finally {
    result.dispose();
  }
}
