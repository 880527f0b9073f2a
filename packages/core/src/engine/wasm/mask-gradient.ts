import * as tf from "@tensorflow/tfjs";

import { kernelInputs } from "./kernel-tensors.js";
import { nativeKernels } from "./native/instance.js";

/**
 * A wasm kernel `kernelName` that computes dx from (dy, x) with graft's
 * native mask kernel `native` (dx = dy where x passes, else 0): arguments
 * dy, x, dx, the part and part count, the value count, then the f32 values
 * `bounds` reads from the attributes. Used by gradient overrides only once
 * they know the native kernels run.
 */
export function maskGradientKernel(
  kernelName: string,
  native: "relu_grad" | "clip_grad",
  bounds: (attrs: tf.NamedAttrMap) => number[] = () => [],
): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { dy, x } = kernelInputs(inputs, "dy", "x");
      const kernels = nativeKernels(backend);
      if (!kernels) throw new Error(`${kernelName} needs graft's native kernels`);
      const dx = kernels.output(x.shape);
      const size = tf.util.sizeFromShape(x.shape);
      const extra = bounds(attrs ?? {});
      const addresses = [dy, x, dx].map((info) => kernels.address(info));
      kernels.parallel(native, [...addresses, 0, 0, size, ...extra], 3, {
        floats: extra.map((_, i) => 6 + i),
        items: size,
      });
      return dx;
    },
  };
}
