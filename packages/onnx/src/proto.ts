import onnxProto from "onnx-proto";
import type { onnx } from "onnx-proto";

/** The generated protobuf classes of the ONNX schema (onnx-proto is CommonJS). */
export const proto: typeof onnx = onnxProto.onnx;

export type ModelProto = onnx.IModelProto;
export type GraphProto = onnx.IGraphProto;
export type NodeProto = onnx.INodeProto;
export type TensorProto = onnx.ITensorProto;
export type AttributeProto = onnx.IAttributeProto;

/** protobufjs decodes int64 fields as Long objects when the `long` package is present. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
