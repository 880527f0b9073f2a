import * as tf from "@tensorflow/tfjs";

import { nhwcAxis, onnxShape, tensorValue } from "../context.js";
import type { BuildContext, TensorValue, Value } from "../context.js";
import { arithmetic, OnnxBinaryOp, OnnxConstantOp } from "../layers/arithmetic.js";
import type { ArithmeticOp } from "../layers/arithmetic.js";
import { OnnxElu } from "../layers/elu.js";
import type { NodeInfo } from "../node-info.js";
import { constOf } from "../tensor-data.js";
import type { ConstValue } from "../tensor-data.js";
import type { Converter, OpFamily } from "./types.js";
import { transpose } from "./util.js";

function unary(make: (node: NodeInfo, name: string) => tf.layers.Layer): Converter {
  return (node, ctx) => {
    const input = ctx.tensor(node, 0);
    return tensorValue(ctx.apply(make(node, ctx.layerName(node)), input.t), input.layout);
  };
}

/** Folds an operation over two constants. */
function foldConstants(op: ArithmeticOp, a: ConstValue, b: ConstValue): ConstValue {
  const { shape, values } = tf.tidy(() => {
    // tf.tensor takes no Float64Array; ONNX float constants are float32 anyway.
    const out = arithmetic(op, tf.tensor(Float32Array.from(a.data), a.dims), tf.tensor(Float32Array.from(b.data), b.dims));
    return { shape: out.shape, values: out.dataSync().slice() };
  });
  return constOf(shape, values, a.integer && b.integer && op !== "div");
}

/** The constant reshaped to broadcast against the tensor as TF.js holds it, batch axis dropped. */
function constantFor(node: NodeInfo, value: ConstValue, tensor: TensorValue): { shape: number[]; data: Float32Array } {
  const rank = tensor.t.rank;
  if (value.dims.length > rank) throw node.unsupported(`the constant has shape [${value.dims.join(", ")}], more axes than the tensor [${onnxShape(tensor).join(", ")}].`, "Only constants that broadcast against the tensor are supported.");
  const dims = [...new Array<number>(rank - value.dims.length).fill(1), ...value.dims];
  if (dims[0] !== 1) throw node.unsupported(`the constant varies along the batch axis (shape [${value.dims.join(", ")}]).`, "Use constants that broadcast over the batch (leading dimension 1).");
  const laidOut = tensor.layout === "nhwc" ? transpose(value.data, dims, [0, 2, 3, 1]) : { data: Float32Array.from(value.data), dims };
  return { shape: laidOut.dims.slice(1), data: laidOut.data };
}

function withConstant(node: NodeInfo, ctx: BuildContext, op: ArithmeticOp, tensor: TensorValue, value: ConstValue, constantFirst: boolean, name = ctx.layerName(node, op)): TensorValue {
  const constant = constantFor(node, value, tensor);
  const layer = new OnnxConstantOp({ op, constantShape: constant.shape, constantFirst, name });
  return tensorValue(ctx.apply(layer, tensor.t, [constant]), tensor.layout);
}

/** Brings two tensors to one layout: channels-last if both are 4-D, ONNX order otherwise. */
function sameLayout(node: NodeInfo, ctx: BuildContext, a: TensorValue, b: TensorValue): [tf.SymbolicTensor, tf.SymbolicTensor, TensorValue["layout"]] {
  if (a.layout === b.layout) return [a.t, b.t, a.layout];
  if (a.t.rank === 4 && b.t.rank === 4) return [ctx.nhwc(node, a), ctx.nhwc(node, b), "nhwc"];
  return [ctx.plain(node, a), ctx.plain(node, b), "plain"];
}

const MERGE: Partial<Record<ArithmeticOp, (args: { name: string }) => tf.layers.Layer>> = {
  add: (args) => tf.layers.add(args),
  mul: (args) => tf.layers.multiply(args),
  max: (args) => tf.layers.maximum(args),
  min: (args) => tf.layers.minimum(args),
};

function combine(node: NodeInfo, ctx: BuildContext, op: ArithmeticOp, a: Value, b: Value, name: string): Value {
  if (a.kind === "const" && b.kind === "const") return foldConstants(op, a, b);
  if (a.kind === "const" && b.kind === "tensor") return withConstant(node, ctx, op, b, a, true, name);
  if (a.kind === "tensor" && b.kind === "const") return withConstant(node, ctx, op, a, b, false, name);
  const [x, y, layout] = sameLayout(node, ctx, a as TensorValue, b as TensorValue);
  const merge = MERGE[op];
  const layer = merge ? merge({ name }) : new OnnxBinaryOp({ op, name });
  return tensorValue(ctx.apply(layer, [x, y]), layout);
}

/** Add, Sub, Mul, Div, Pow (two inputs) and Max, Min, Sum (any number of inputs). */
function binary(op: ArithmeticOp): Converter {
  return (node, ctx) => {
    let acc = ctx.value(node, 0);
    for (let i = 1; i < node.inputs.length; i++) {
      const last = i === node.inputs.length - 1;
      const b = ctx.value(node, i);
      const folds = acc.kind === "const" && b.kind === "const";
      acc = combine(node, ctx, op, acc, b, folds ? "" : ctx.layerName(node, last ? undefined : `${i}`));
    }
    return acc;
  };
}

function clip(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const bound = (index: number, attr: string, fallback: number): number => {
    if (node.hasInput(index)) {
      const value = ctx.requireConstant(node, index, attr);
      return value.data[0] ?? fallback;
    }
    return node.float(attr, fallback);
  };
  const min = bound(1, "min", -Infinity);
  const max = bound(2, "max", Infinity);
  if (min === 0) {
    const name = ctx.layerName(node);
    const layer = Number.isFinite(max) ? tf.layers.reLU({ maxValue: max, name }) : tf.layers.reLU({ name });
    return tensorValue(ctx.apply(layer, input.t), input.layout);
  }
  let out: TensorValue = input;
  if (Number.isFinite(min)) out = withConstant(node, ctx, "max", out, constOf([], [min], false), false);
  if (Number.isFinite(max)) out = withConstant(node, ctx, "min", out, constOf([], [max], false), false);
  return out;
}

function softmax(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const rank = input.t.rank;
  const axis = node.int("axis", ctx.opset >= 13 ? -1 : 1);
  const a = axis < 0 ? axis + rank : axis;
  if (ctx.opset < 13 && a !== rank - 1) {
    throw node.unsupported(`opset ${ctx.opset} Softmax over axis ${axis} of a rank-${rank} tensor flattens the trailing axes, which is not supported.`, "Export with opset 13 or later, or softmax over the last axis.");
  }
  const tfAxis = input.layout === "nhwc" ? nhwcAxis(a) : a;
  return tensorValue(ctx.apply(tf.layers.softmax({ axis: tfAxis, name: ctx.layerName(node) }), input.t), input.layout);
}

const passThrough: Converter = (node, ctx) => ctx.value(node, 0);

export const elementwiseOps: OpFamily = {
  converters: {
    Relu: unary((_, name) => tf.layers.reLU({ name })),
    LeakyRelu: unary((node, name) => tf.layers.leakyReLU({ alpha: node.float("alpha", 0.01), name })),
    Elu: unary((node, name) => {
      const alpha = node.float("alpha", 1);
      return alpha === 1 ? tf.layers.elu({ name }) : new OnnxElu({ alpha, name });
    }),
    Sigmoid: unary((_, name) => tf.layers.activation({ activation: "sigmoid", name })),
    Tanh: unary((_, name) => tf.layers.activation({ activation: "tanh", name })),
    Softplus: unary((_, name) => tf.layers.activation({ activation: "softplus", name })),
    Clip: clip,
    Softmax: softmax,
    Add: binary("add"),
    Sub: binary("sub"),
    Mul: binary("mul"),
    Div: binary("div"),
    Pow: binary("pow"),
    Max: binary("max"),
    Min: binary("min"),
    Sum: binary("add"),
    Identity: passThrough,
    Dropout: passThrough,
  },
  layoutKeeping: ["Relu", "LeakyRelu", "Elu", "Sigmoid", "Tanh", "Softplus", "Clip", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Identity", "Dropout"],
};
