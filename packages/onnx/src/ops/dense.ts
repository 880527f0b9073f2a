import * as tf from "@tensorflow/tfjs";

import { tensorValue } from "../context.js";
import type { BuildContext, Value } from "../context.js";
import type { NodeInfo } from "../node-info.js";
import type { OpFamily } from "./types.js";
import { transpose } from "./util.js";

function dense(node: NodeInfo, ctx: BuildContext, kernel: { data: Float32Array; dims: number[] }, bias: Float32Array | undefined): Value {
  const input = ctx.tensor(node, 0);
  const x = ctx.plain(node, input);
  const [inUnits = 0, units = 0] = kernel.dims;
  if (x.shape[x.rank - 1] !== inUnits) {
    throw node.unsupported(`the input's last axis has ${x.shape[x.rank - 1]} values, the weight expects ${inUnits}.`, "Check the model's input shape.");
  }
  const layer = tf.layers.dense({ units, useBias: bias !== undefined, kernelInitializer: "zeros", biasInitializer: "zeros", name: ctx.layerName(node) });
  const weights = [{ shape: kernel.dims, data: kernel.data }, ...(bias ? [{ shape: [units], data: bias }] : [])];
  return tensorValue(ctx.apply(layer, x, weights), "plain");
}

function gemm(node: NodeInfo, ctx: BuildContext): Value {
  if (node.int("transA", 0) !== 0) throw node.unsupported("transA=1 transposes the batch axis into the features.", "Export Gemm with transA=0.");
  if (ctx.tensor(node, 0).t.rank !== 2) throw node.unsupported(`Gemm expects a 2-D input, got rank ${ctx.tensor(node, 0).t.rank}.`, "Flatten the input first.");
  const b = ctx.requireConstant(node, 1, "the weight B");
  const alpha = node.float("alpha", 1);
  const beta = node.float("beta", 1);
  const kernel = node.int("transB", 0) === 1 ? transpose(b.data, b.dims, [1, 0]) : transpose(b.data, b.dims, [0, 1]);
  for (let i = 0; i < kernel.data.length; i++) kernel.data[i] = (kernel.data[i] ?? 0) * alpha;
  const units = kernel.dims[1] ?? 0;
  let bias: Float32Array | undefined;
  if (node.hasInput(2)) {
    const c = ctx.requireConstant(node, 2, "the bias C");
    const size = c.data.length;
    if (size !== 1 && size !== units) throw node.unsupported(`the bias C has shape [${c.dims.join(", ")}]; only a bias per output unit (or a scalar) is supported.`, "Use a bias of shape [N].");
    bias = Float32Array.from({ length: units }, (_, i) => (c.data[size === 1 ? 0 : i] ?? 0) * beta);
  }
  return dense(node, ctx, kernel, bias);
}

function matMul(node: NodeInfo, ctx: BuildContext): Value {
  const w = ctx.constant(node, 1);
  if (!w) throw node.unsupported("MatMul between two computed tensors is not supported; the second input must be a constant weight.", "Export the model with constant weights.");
  if (w.dims.length !== 2) throw node.unsupported(`the weight has shape [${w.dims.join(", ")}], expected 2-D.`, "Only a constant 2-D right-hand side is supported.");
  return dense(node, ctx, transpose(w.data, w.dims, [0, 1]), undefined);
}

export const denseOps: OpFamily = { converters: { Gemm: gemm, MatMul: matMul } };
