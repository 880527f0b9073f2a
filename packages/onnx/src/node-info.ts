import { ModelFileError } from "@graft/core";

import { toNumber } from "./proto.js";
import type { AttributeProto, NodeProto, TensorProto } from "./proto.js";

/** One ONNX node with typed access to its attributes. */
export class NodeInfo {
  readonly opType: string;
  /** The node's name, or `<OpType>_<index>` when the file leaves it empty. */
  readonly name: string;
  readonly inputs: string[];
  readonly outputs: string[];
  private readonly attrs = new Map<string, AttributeProto>();

  constructor(node: NodeProto, index: number) {
    this.opType = node.opType ?? "";
    this.name = node.name && node.name.length > 0 ? node.name : `${this.opType}_${index}`;
    this.inputs = node.input ?? [];
    this.outputs = node.output ?? [];
    for (const attr of node.attribute ?? []) this.attrs.set(attr.name ?? "", attr);
  }

  /** True when input `index` is present (ONNX marks a skipped optional input with ""). */
  hasInput(index: number): boolean {
    const name = this.inputs[index];
    return name !== undefined && name !== "";
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  int(name: string, fallback: number): number {
    const attr = this.attrs.get(name);
    return attr ? toNumber(attr.i) : fallback;
  }

  float(name: string, fallback: number): number {
    const attr = this.attrs.get(name);
    return attr ? (attr.f ?? 0) : fallback;
  }

  ints(name: string): number[] | undefined {
    const attr = this.attrs.get(name);
    return attr ? (attr.ints ?? []).map((v) => toNumber(v)) : undefined;
  }

  string(name: string, fallback: string): string {
    const attr = this.attrs.get(name);
    return attr?.s ? new TextDecoder().decode(attr.s) : fallback;
  }

  tensor(name: string): TensorProto | undefined {
    return this.attrs.get(name)?.t ?? undefined;
  }

  /** Where this node sits, for error messages. */
  get where(): string {
    return `${this.opType} node "${this.name}"`;
  }

  /** The error for an attribute value or input combination the importer cannot express. */
  unsupported(what: string, fix: string): ModelFileError {
    return new ModelFileError(`${this.where}: ${what}`, { fix });
  }
}
