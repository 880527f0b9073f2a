/**
 * Registers graft's training kernels for the wasm backend (placeholder until
 * the kernels land: the engine loader calls this when wasm is picked).
 */
export function registerWasmTrainingKernels(): void {}
