import { ModelFileError } from "@graft/core";

import { proto, toNumber } from "./proto.js";
import type { TensorProto } from "./proto.js";

/** A constant of the ONNX graph: an initializer, a Constant node or a folded value. */
export interface ConstValue {
  readonly kind: "const";
  readonly dims: number[];
  /** Values in row-major order; integers are stored exactly as doubles. */
  readonly data: Float64Array;
  readonly integer: boolean;
}

const DataType = proto.TensorProto.DataType;

/** Decodes a TensorProto into numbers. Supports float, double, the integer types and bool. */
export function readTensor(tensor: TensorProto, where: string): ConstValue {
  const dims = (tensor.dims ?? []).map((d) => toNumber(d));
  const size = dims.reduce((a, b) => a * b, 1);
  const type = tensor.dataType ?? DataType.UNDEFINED;
  if (tensor.dataLocation === proto.TensorProto.DataLocation.EXTERNAL) {
    throw new ModelFileError(`${where}: tensor "${tensor.name}" keeps its data in an external file, which is not supported.`, {
      fix: "Save the ONNX model with its weights inside the .onnx file (onnx.save_model(m, path, save_as_external_data=False)).",
    });
  }
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  if (view && view.byteLength < size * bytesPer(type)) {
    throw new ModelFileError(`${where}: tensor "${tensor.name}" holds ${view.byteLength} bytes, expected ${size * bytesPer(type)} for shape [${dims.join(", ")}].`, {
      fix: "The .onnx file is truncated or corrupt; export it again.",
    });
  }
  const data = new Float64Array(size);
  const integer = type !== DataType.FLOAT && type !== DataType.DOUBLE && type !== DataType.FLOAT16;
  const fromList = (list: ArrayLike<number | { toNumber(): number }> | null | undefined): void => {
    for (let i = 0; i < size; i++) data[i] = toNumber(list?.[i] ?? 0);
  };
  switch (type) {
    case DataType.FLOAT:
      if (view) for (let i = 0; i < size; i++) data[i] = view.getFloat32(i * 4, true);
      else fromList(tensor.floatData);
      break;
    case DataType.DOUBLE:
      if (view) for (let i = 0; i < size; i++) data[i] = view.getFloat64(i * 8, true);
      else fromList(tensor.doubleData);
      break;
    case DataType.INT64:
      if (view) for (let i = 0; i < size; i++) data[i] = Number(view.getBigInt64(i * 8, true));
      else fromList(tensor.int64Data);
      break;
    case DataType.INT32:
      if (view) for (let i = 0; i < size; i++) data[i] = view.getInt32(i * 4, true);
      else fromList(tensor.int32Data);
      break;
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.BOOL:
      if (view) for (let i = 0; i < size; i++) data[i] = type === DataType.INT8 ? view.getInt8(i) : view.getUint8(i);
      else fromList(tensor.int32Data);
      break;
    default:
      throw new ModelFileError(
        `${where}: tensor "${tensor.name}" has ONNX data type ${DataType[type] ?? type}; expected FLOAT, DOUBLE, INT64, INT32, INT8, UINT8 or BOOL.`,
        { fix: "Convert the model's weights to float32 before importing it." },
      );
  }
  return { kind: "const", dims, data, integer };
}

function bytesPer(type: number): number {
  if (type === DataType.DOUBLE || type === DataType.INT64) return 8;
  if (type === DataType.FLOAT || type === DataType.INT32) return 4;
  return 1;
}

/** Builds a constant from plain numbers (used when folding shape computations). */
export function constOf(dims: number[], values: ArrayLike<number>, integer: boolean): ConstValue {
  return { kind: "const", dims, data: Float64Array.from(values), integer };
}
