import * as tf from "@tensorflow/tfjs";

// The inference kernels the streaming embedding calls, through the engine
// (so tidy, memory counts and backends work as for any op) but without the
// op wrappers: those add input conversion, assertions and, for fused
// convolutions, a custom-gradient scope, which on a 2-frame input cost as much
// as the kernel. No gradient is recorded: these are for inference only.

type Attrs = tf.NamedAttrMap;

function run<T extends tf.Tensor>(name: string, inputs: tf.NamedTensorMap | tf.Tensor[], attrs: object): T {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as Attrs) as T;
}

/** Options of {@link fusedConv2d}: a convolution with its bias and an optional leaky ReLU. */
export interface FusedConvOptions {
  strides: [number, number];
  dilations: [number, number];
  pad: "valid" | "same" | tf.backend_util.ExplicitPadding;
  /** Slope of the fused leaky ReLU; none when undefined. */
  leakyreluAlpha?: number;
}

/** `tf.fused.conv2d` (NHWC) as one kernel call. */
export function fusedConv2d(x: tf.Tensor4D, filter: tf.Tensor, bias: tf.Tensor | undefined, { strides, dilations, pad, leakyreluAlpha }: FusedConvOptions): tf.Tensor4D {
  const activation = leakyreluAlpha === undefined ? "linear" : "leakyrelu";
  const inputs: tf.NamedTensorMap = bias ? { x, filter, bias } : { x, filter };
  return run(tf.FusedConv2D, inputs, { strides, pad, dataFormat: "NHWC", dilations, dimRoundingMode: undefined, activation, leakyreluAlpha });
}

/** `tf.clipByValue(x, min, max)` as one kernel call (`min < max`). */
export function clipByValue(x: tf.Tensor4D, clipValueMin: number, clipValueMax: number): tf.Tensor4D {
  return run(tf.ClipByValue, { x }, { clipValueMin, clipValueMax });
}

/** `tf.maxPool(x, filterSize, strides, "valid")` as one kernel call. */
export function maxPoolValid(x: tf.Tensor4D, filterSize: [number, number], strides: [number, number]): tf.Tensor4D {
  return run(tf.MaxPool, { x }, { filterSize, strides, pad: "valid", dimRoundingMode: undefined });
}

/** Two 4-D tensors joined along the time axis (1) with one kernel call. */
export function concatTime(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return run(tf.Concat, [a, b], { axis: 1 });
}

/** Frames `[from, from + count)` of a `[1, time, h, c]` tensor with one kernel call. */
export function sliceTime(x: tf.Tensor4D, from: number, count: number): tf.Tensor4D {
  const [n, , h, c] = x.shape;
  return run(tf.Slice, { x }, { begin: [0, from, 0, 0], size: [n, count, h, c] });
}
