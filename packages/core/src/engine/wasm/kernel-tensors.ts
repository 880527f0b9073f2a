import * as tf from "@tensorflow/tfjs";

/** Explicit padding of the four spatial sides, as `tf.conv2d` accepts it. */
export type ExplicitPadding = [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

/**
 * Wraps a kernel input (a bare `TensorInfo`) in a `tf.Tensor` sharing its
 * data, so graft's kernels can be written with the public ops. The wrapper
 * holds its own reference: disposing it (or leaving it to the enclosing
 * `tf.tidy`) never frees the caller's tensor.
 */
export function asTensor(info: tf.TensorInfo): tf.Tensor {
  // makeTensorFromTensorInfo does not count a reference in the backend, so
  // without this the wrapper's disposal would free the caller's data.
  tf.backend().incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** Same as {@link asTensor}, typed as rank 4. */
export function asTensor4D(info: tf.TensorInfo): tf.Tensor4D {
  return asTensor(info) as tf.Tensor4D;
}

/** The explicit NHWC padding a convolution's geometry resolved to. */
export function explicitPadding(convInfo: tf.backend_util.Conv2DInfo): ExplicitPadding {
  const { top, bottom, left, right } = convInfo.padInfo;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** Converts an NCHW tensor to NHWC (no-op for `channelsLast`). */
export function toChannelsLast(x: tf.Tensor4D, dataFormat: string): tf.Tensor4D {
  return dataFormat === "channelsFirst" || dataFormat === "NCHW"
    ? tf.transpose(x, [0, 2, 3, 1])
    : x;
}

/** Converts an NHWC tensor back to NCHW when the kernel was asked for it. */
export function fromChannelsLast(x: tf.Tensor4D, dataFormat: string): tf.Tensor4D {
  return dataFormat === "channelsFirst" || dataFormat === "NCHW"
    ? tf.transpose(x, [0, 3, 1, 2])
    : x;
}

/** Picks a kernel's named inputs, failing loudly if the engine left one out. */
export function kernelInputs<K extends string>(
  inputs: tf.NamedTensorInfoMap,
  ...names: K[]
): Record<K, tf.TensorInfo> {
  const out = {} as Record<K, tf.TensorInfo>;
  for (const name of names) {
    const info = inputs[name];
    if (!info) throw new Error(`graft wasm kernel: missing input "${name}"`);
    out[name] = info;
  }
  return out;
}

/**
 * A wasm kernel config that replaces `stock` with `kernelFunc`, keeping the
 * stock kernel's setup (which binds its wasm function, for the cases
 * `kernelFunc` hands back to it).
 */
export function replacingStock(stock: tf.KernelConfig, kernelFunc: tf.KernelFunc): tf.KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName: "wasm",
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    kernelFunc,
  };
}
