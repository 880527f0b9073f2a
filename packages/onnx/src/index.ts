export { importOnnx } from "./import-onnx.js";
export type { ImportOnnxOptions } from "./import-onnx.js";
export { SUPPORTED_ONNX_OPS } from "./ops/registry.js";
export { OnnxBinaryOp, OnnxConstantOp } from "./layers/arithmetic.js";
export type { ArithmeticOp, ConstantOpArgs } from "./layers/arithmetic.js";
export { OnnxElu } from "./layers/elu.js";
export type { EluArgs } from "./layers/elu.js";
export { OnnxConstantPad } from "./layers/constant-pad.js";
export type { ConstantPadArgs } from "./layers/constant-pad.js";
