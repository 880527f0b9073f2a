import * as tf from "@tensorflow/tfjs";
import { ModelFileError } from "@graft/core";

import { LayerNames } from "./names.js";
import type { NodeInfo } from "./node-info.js";
import type { ConstValue } from "./tensor-data.js";

/**
 * How a graph tensor is held in TF.js. "plain": the TF.js tensor has the ONNX shape.
 * "nhwc": the ONNX tensor is 4-D NCHW and TF.js holds it channels-last, [n, h, w, c].
 */
export type Layout = "plain" | "nhwc";

export interface TensorValue {
  readonly kind: "tensor";
  readonly t: tf.SymbolicTensor;
  readonly layout: Layout;
}

export type Value = TensorValue | ConstValue;

interface PendingWeights {
  readonly layer: tf.layers.Layer;
  readonly values: { shape: number[]; data: Float32Array }[];
}

const TO_NHWC = [2, 3, 1];
const TO_NCHW = [3, 1, 2];

/** The state of one import: graph values by name, layer names and weights to set once built. */
export class BuildContext {
  readonly values = new Map<string, Value>();
  private readonly names = new LayerNames();
  private readonly pending: PendingWeights[] = [];

  constructor(
    readonly opset: number,
    /** Op types reading each value, and the graph's output names. */
    private readonly graph: { consumers: Map<string, string[]>; outputs: Set<string>; spatial: ReadonlySet<string> },
  ) {}

  /** True when every reader of the node's output is a convolution-like op (so channels-last is free). */
  feedsSpatial(node: NodeInfo): boolean {
    const name = node.outputs[0] ?? "";
    const readers = this.graph.consumers.get(name) ?? [];
    return !this.graph.outputs.has(name) && readers.length > 0 && readers.every((op) => this.graph.spatial.has(op));
  }

  /** A fresh layer name derived from the node's name. */
  layerName(node: NodeInfo, suffix?: string): string {
    return this.names.take(suffix ? `${node.name}_${suffix}` : node.name);
  }

  /** Reserves a name that is not tied to a node (graph inputs). */
  reserveName(base: string): string {
    return this.names.take(base);
  }

  value(node: NodeInfo, index: number): Value {
    const name = node.inputs[index];
    const value = name === undefined ? undefined : this.values.get(name);
    if (!value) {
      throw new ModelFileError(`${node.where}: input ${index} ("${name ?? ""}") is not produced by any earlier node, initializer or graph input.`, {
        fix: "Check that the ONNX graph is topologically sorted (onnx.checker.check_model).",
      });
    }
    return value;
  }

  tensor(node: NodeInfo, index: number): TensorValue {
    const value = this.value(node, index);
    if (value.kind !== "tensor") {
      throw node.unsupported(`input ${index} is a constant, expected a tensor computed from the model's input.`, "Fold constant sub-graphs before importing (onnx-simplifier or onnxruntime's graph optimiser).");
    }
    return value;
  }

  constant(node: NodeInfo, index: number): ConstValue | undefined {
    if (!node.hasInput(index)) return undefined;
    const value = this.value(node, index);
    return value.kind === "const" ? value : undefined;
  }

  requireConstant(node: NodeInfo, index: number, what: string): ConstValue {
    const value = this.constant(node, index);
    if (!value) {
      throw node.unsupported(`${what} (input ${index}) must be a constant (an initializer), got a computed tensor.`, "Export the model with static shapes and constant weights.");
    }
    return value;
  }

  /** Applies a layer and records the weights it must hold (ONNX values, already in TF.js order). */
  apply(layer: tf.layers.Layer, inputs: tf.SymbolicTensor | tf.SymbolicTensor[], weights: { shape: number[]; data: Float32Array }[] = []): tf.SymbolicTensor {
    const out = layer.apply(inputs) as tf.SymbolicTensor;
    if (weights.length > 0) this.pending.push({ layer, values: weights });
    return out;
  }

  /** The tensor channels-last, adding a Permute when it is held in ONNX order. */
  nhwc(node: NodeInfo, value: TensorValue): tf.SymbolicTensor {
    if (value.layout === "nhwc") return value.t;
    if (value.t.rank !== 4) {
      throw node.unsupported(`expects a 4-D NCHW tensor, got rank ${value.t.rank} [${value.t.shape.join(", ")}].`, "Only 2-D convolution and pooling over NCHW tensors are supported.");
    }
    return this.apply(tf.layers.permute({ dims: TO_NHWC, name: this.layerName(node, "to_nhwc") }), value.t);
  }

  /** The tensor in ONNX order, adding a Permute when it is held channels-last. */
  plain(node: NodeInfo, value: TensorValue): tf.SymbolicTensor {
    if (value.layout === "plain") return value.t;
    return this.apply(tf.layers.permute({ dims: TO_NCHW, name: this.layerName(node, "to_nchw") }), value.t);
  }

  /** Sets every recorded weight; called once the tf.LayersModel exists. */
  setWeights(): void {
    for (const { layer, values } of this.pending) {
      const tensors = values.map(({ shape, data }) => tf.tensor(data, shape, "float32"));
      try {
        layer.setWeights(tensors);
      } finally {
        tf.dispose(tensors);
      }
    }
  }
}

/** The ONNX shape of a tensor value (batch and unknown dimensions are null). */
export function onnxShape(value: TensorValue): (number | null)[] {
  const shape = value.t.shape;
  if (value.layout === "plain") return [...shape];
  return [shape[0] ?? null, shape[3] ?? null, shape[1] ?? null, shape[2] ?? null];
}

/** An ONNX axis of a 4-D NCHW tensor as the TF.js axis of its channels-last copy. */
export function nhwcAxis(axis: number): number {
  const a = axis < 0 ? axis + 4 : axis;
  return [0, 3, 1, 2][a] ?? a;
}

export function tensorValue(t: tf.SymbolicTensor, layout: Layout): TensorValue {
  return { kind: "tensor", t, layout };
}
