import { proto } from "../proto.js";
import type { AttributeProto, NodeProto, TensorProto } from "../proto.js";

const AttributeType = proto.AttributeProto.AttributeType;
const DataType = proto.TensorProto.DataType;

/** One node attribute, typed on purpose: `alpha: 1` must stay a float, `axis: 1` an int. */
export type Attribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly tensor: TensorSpec };

/** A constant tensor: float32 (stored as raw little-endian bytes, as exporters do) or int64. */
export interface TensorSpec {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
  /** @default "float" */
  readonly type?: "float" | "int64";
}

export const attr = {
  int: (value: number): Attribute => ({ int: value }),
  float: (value: number): Attribute => ({ float: value }),
  ints: (value: readonly number[]): Attribute => ({ ints: value }),
  floats: (value: readonly number[]): Attribute => ({ floats: value }),
  string: (value: string): Attribute => ({ string: value }),
  tensor: (dims: readonly number[], data: ArrayLike<number>, type: TensorSpec["type"] = "float"): Attribute => ({ tensor: { dims, data, type } }),
};

/** A dimension: a size, or a symbolic name such as "N" for a free batch axis. */
export type Dim = number | string;

function tensorProto(name: string, spec: TensorSpec): TensorProto {
  const size = spec.dims.reduce((a, b) => a * b, 1);
  if (spec.data.length !== size) throw new Error(`tensor "${name}": ${spec.data.length} values for dims [${spec.dims.join(", ")}] (${size}).`);
  if (spec.type === "int64") return { name, dims: [...spec.dims], dataType: DataType.INT64, int64Data: Array.from(spec.data) };
  const raw = new Uint8Array(size * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < size; i++) view.setFloat32(i * 4, spec.data[i] ?? 0, true);
  return { name, dims: [...spec.dims], dataType: DataType.FLOAT, rawData: raw };
}

function attributeProto(name: string, value: Attribute): AttributeProto {
  if ("int" in value) return { name, type: AttributeType.INT, i: value.int };
  if ("float" in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ("ints" in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ("floats" in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  if ("string" in value) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
  return { name, type: AttributeType.TENSOR, t: tensorProto(name, value.tensor) };
}

function valueInfo(name: string, dims?: readonly Dim[]): { name: string; type: object } {
  const shape = dims ? { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } : undefined;
  return { name, type: { tensorType: { elemType: DataType.FLOAT, ...(shape ? { shape } : {}) } } };
}

/**
 * Builds a small ONNX model (opset 13 by default) for tests, encoded with onnx-proto, the
 * package the importer decodes with. Methods return value names to wire into later nodes.
 */
export class OnnxGraph {
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly nodes: NodeProto[] = [];
  private count = 0;

  constructor(
    private readonly name = "test",
    private readonly opset = 13,
  ) {}

  /** A float32 graph input. */
  input(name: string, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** A constant weight (float32 unless `type` says int64). */
  initializer(name: string, dims: readonly number[], data: ArrayLike<number>, type: TensorSpec["type"] = "float"): string {
    this.initializers.push(tensorProto(name, { dims, data, type }));
    return name;
  }

  /** Adds a node and returns the name of its (first) output. */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}, options: { name?: string; outputs?: number } = {}): string {
    const index = this.count++;
    const name = options.name ?? `${opType.toLowerCase()}_${index}`;
    const outputs = Array.from({ length: options.outputs ?? 1 }, (_, i) => (i === 0 ? `${name}_out` : `${name}_out${i}`));
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
    });
    return outputs[0] ?? "";
  }

  /** Marks a value as a graph output (element type float, shape left to inference). */
  output(name: string): this {
    this.outputs.push(valueInfo(name));
    return this;
  }

  /** Op types of the nodes added so far. */
  get opTypes(): string[] {
    return this.nodes.map((n) => n.opType ?? "");
  }

  /** The serialised onnx.ModelProto. */
  encode(): Uint8Array {
    const model = proto.ModelProto.create({
      irVersion: 7,
      producerName: "graft-tests",
      opsetImport: [{ domain: "", version: this.opset }],
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return proto.ModelProto.encode(model).finish();
  }
}
