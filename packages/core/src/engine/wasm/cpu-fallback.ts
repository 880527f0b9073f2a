import * as tf from "@tensorflow/tfjs";

/**
 * Runs the cpu backend's kernel for `kernelName` on copies of the inputs
 * and hands the result back to wasm. Correct but JavaScript-speed: only for
 * rare kernels whose stock wasm version is wrong (tfjs-backend-wasm 4.22's
 * Conv3D backprops return wrong gradients for every input gradient and for
 * strided filter gradients) and that graft has no fast rewrite for yet.
 */
export function createCpuFallbackConfig(kernelName: string): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as tf.KernelBackend;
      const cpu = tf.engine().findBackend("cpu");
      const kernel = tf.getKernel(kernelName, "cpu");
      if (!cpu || !kernel)
        throw new Error(`graft: the cpu backend is needed to run ${kernelName} on wasm`);
      const copies: tf.NamedTensorInfoMap = {};
      for (const [name, info] of Object.entries(inputs)) {
        if (!info) continue;
        const values = wasm.readSync(info.dataId) as tf.backend_util.BackendValues;
        copies[name] = {
          dataId: cpu.write(values, info.shape, info.dtype),
          shape: info.shape,
          dtype: info.dtype,
        };
      }
      try {
        const out = kernel.kernelFunc({ inputs: copies, attrs, backend: cpu }) as tf.TensorInfo;
        const values = cpu.readSync(out.dataId) as tf.backend_util.TypedArray;
        cpu.disposeData(out.dataId);
        return tf.tensor(values, out.shape, out.dtype);
      } finally {
        for (const info of Object.values(copies)) if (info) cpu.disposeData(info.dataId);
      }
    },
  };
}
