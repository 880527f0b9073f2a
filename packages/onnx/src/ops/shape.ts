import * as tf from "@tensorflow/tfjs";

import { nhwcAxis, onnxShape, tensorValue } from "../context.js";
import type { BuildContext, TensorValue, Value } from "../context.js";
import type { NodeInfo } from "../node-info.js";
import { OnnxConstantPad } from "../layers/constant-pad.js";
import type { OpFamily } from "./types.js";
import { ints } from "./util.js";

/** A tensor whose row-major data is in ONNX order: channels-last copies with one channel or a 1×1 map already are. */
function flatOrder(node: NodeInfo, ctx: BuildContext, value: TensorValue): tf.SymbolicTensor {
  if (value.layout === "nhwc") {
    const [, c, h, w] = onnxShape(value);
    if (c === 1 || (h === 1 && w === 1)) return value.t;
  }
  return ctx.plain(node, value);
}

function reshapeTo(node: NodeInfo, ctx: BuildContext, x: tf.SymbolicTensor, target: number[], suffix?: string): tf.SymbolicTensor {
  const same = x.shape.length === target.length + 1 && target.every((d, i) => d === x.shape[i + 1]);
  if (same) return x;
  return ctx.apply(tf.layers.reshape({ targetShape: target, name: ctx.layerName(node, suffix) }), x);
}

/**
 * Resolves an ONNX target shape (0 = copy the axis, -1 = infer) to the per-example shape a
 * TF.js Reshape layer takes. The leading entry must keep the batch: 0 copies it, -1 or a
 * number keep it when the other entries hold exactly one example's values; 1 with an
 * inferred axis is how exporters that baked in batch 1 write a flatten.
 */
function perExampleShape(node: NodeInfo, inShape: (number | null)[], raw: number[], allowZero: boolean): number[] {
  const rest = raw.slice(1).map((d, i) => (d === 0 && !allowZero ? (inShape[i + 1] ?? -1) : d));
  const sizeOf = (dims: (number | null)[]): number | undefined => (dims.every((d) => d !== null && d >= 0) ? dims.reduce<number>((a, b) => a * (b ?? 1), 1) : undefined);
  const exampleSize = sizeOf(inShape.slice(1));
  const restSize = sizeOf(rest);
  const [lead = 0] = raw;
  const inferred = rest.filter((d) => d === -1).length;
  const keepsBatch =
    (lead === 0 && !allowZero) ||
    (lead === 1 && inferred === 1) ||
    ((lead === -1 || lead > 0) && inferred === 0 && (exampleSize === undefined || restSize === exampleSize));
  if (!keepsBatch) {
    throw node.unsupported(`reshaping [${inShape.map((d) => d ?? "?").join(", ")}] to [${raw.join(", ")}] changes the batch axis; TF.js layers reshape each example.`, "Keep the leading (batch) dimension in the target shape (0 or -1).");
  }
  if (inferred > 1) {
    throw node.unsupported(`reshaping [${inShape.map((d) => d ?? "?").join(", ")}] to [${raw.join(", ")}] leaves ${inferred} axes to infer per example (unknown input sizes copied by 0 count as one).`, "Export the model with fixed input sizes.");
  }
  return rest;
}

function reshape(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const target = perExampleShape(node, onnxShape(input), ints(ctx.requireConstant(node, 1, "the target shape")), node.int("allowzero", 0) === 1);
  const x = flatOrder(node, ctx, input);
  if (target.length === 3 && ctx.feedsSpatial(node)) {
    const [c = 1, h = 1, w = 1] = target;
    if (c === 1 || (h === 1 && w === 1)) return tensorValue(reshapeTo(node, ctx, x, [h, w, c]), "nhwc");
    const chw = reshapeTo(node, ctx, x, target);
    return tensorValue(ctx.nhwc(node, tensorValue(chw, "plain")), "nhwc");
  }
  return tensorValue(reshapeTo(node, ctx, x, target), "plain");
}

function flatten(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const axis = node.int("axis", 1);
  if (axis !== 1 && axis !== 1 - input.t.rank) {
    throw node.unsupported(`Flatten with axis ${axis} merges the batch axis with others; only axis 1 is supported.`, "Flatten from axis 1 (the default).");
  }
  const x = flatOrder(node, ctx, input);
  if (x.rank === 2) return tensorValue(x, "plain");
  return tensorValue(ctx.apply(tf.layers.flatten({ name: ctx.layerName(node) }), x), "plain");
}

function transposeOp(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const rank = input.t.rank;
  const perm = node.ints("perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  // Axis i of the result is axis `source[i]` of the tensor as TF.js holds it.
  const held = input.layout === "nhwc" ? [0, 3, 1, 2] : Array.from({ length: rank }, (_, i) => i);
  const source = perm.map((p) => held[p] ?? p);
  if (source[0] !== 0) throw node.unsupported(`perm [${perm.join(", ")}] moves the batch axis; TF.js layers permute each example.`, "Keep axis 0 in place.");
  const identity = (p: number[]): boolean => p.every((v, i) => v === i);
  if (rank === 4 && identity([0, 2, 3, 1].map((i) => source[i] ?? i))) return tensorValue(input.t, "nhwc");
  if (identity(source)) return tensorValue(input.t, "plain");
  const layer = tf.layers.permute({ dims: source.slice(1), name: ctx.layerName(node) });
  return tensorValue(ctx.apply(layer, input.t), "plain");
}

function concat(node: NodeInfo, ctx: BuildContext): Value {
  const inputs = node.inputs.map((_, i) => ctx.tensor(node, i));
  const rank = inputs[0]?.t.rank ?? 0;
  const rawAxis = node.int("axis", 1);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (axis === 0) throw node.unsupported("concatenating along the batch axis is not supported.", "Concatenate along a feature axis.");
  const nhwc = inputs.every((v) => v.t.rank === 4) && inputs.some((v) => v.layout === "nhwc");
  const tensors = inputs.map((v) => (nhwc ? ctx.nhwc(node, v) : ctx.plain(node, v)));
  if (tensors.length === 1 && tensors[0]) return tensorValue(tensors[0], nhwc ? "nhwc" : "plain");
  const layer = tf.layers.concatenate({ axis: nhwc ? nhwcAxis(axis) : axis, name: ctx.layerName(node) });
  return tensorValue(ctx.apply(layer, tensors), nhwc ? "nhwc" : "plain");
}

function pad(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const mode = node.string("mode", "constant");
  const pads = node.hasInput(1) ? ints(ctx.requireConstant(node, 1, "pads")) : (node.ints("pads") ?? []);
  const value = node.hasInput(2) ? (ctx.requireConstant(node, 2, "the pad value").data[0] ?? 0) : node.float("value", 0);
  const [b0, b1, top = 0, left = 0, e0, e1, bottom = 0, right = 0] = pads;
  if (mode !== "constant" || input.t.rank !== 4 || pads.length !== 8 || b0 || b1 || e0 || e1 || pads.some((p) => p < 0)) {
    throw node.unsupported(`only constant padding of the two spatial axes of a 4-D NCHW tensor is supported; got mode "${mode}", pads [${pads.join(", ")}] on rank ${input.t.rank}.`, "Pad height and width only, with mode \"constant\" and non-negative pads (or run the model with onnxruntime).");
  }
  const padding: [[number, number], [number, number]] = [[top, bottom], [left, right]];
  const name = ctx.layerName(node);
  const layer = value === 0 ? tf.layers.zeroPadding2d({ padding, name }) : new OnnxConstantPad({ padding, value, name });
  return tensorValue(ctx.apply(layer, ctx.nhwc(node, input)), "nhwc");
}

export const shapeOps: OpFamily = {
  converters: { Reshape: reshape, Flatten: flatten, Transpose: transposeOp, Concat: concat, Pad: pad },
  spatial: ["Pad"],
};
