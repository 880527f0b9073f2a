import * as tf from "@tensorflow/tfjs";

import { onnxShape, tensorValue } from "../context.js";
import type { BuildContext, Value } from "../context.js";
import type { NodeInfo } from "../node-info.js";
import type { OpFamily } from "./types.js";
import { float32, readWindow, transpose } from "./util.js";
import type { Window } from "./util.js";

/** Adds a ZeroPadding2D when the window's pads are not what "same" would add. */
export function padFor(node: NodeInfo, ctx: BuildContext, x: tf.SymbolicTensor, window: Window): { x: tf.SymbolicTensor; padding: "valid" | "same" } {
  if (window.padding !== "explicit") return { x, padding: window.padding };
  const padded = ctx.apply(tf.layers.zeroPadding2d({ padding: window.pads, name: ctx.layerName(node, "pad") }), x);
  return { x: padded, padding: "valid" };
}

function conv(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const weight = ctx.requireConstant(node, 1, "the weight W");
  const bias = ctx.constant(node, 2);
  if (weight.dims.length !== 4) {
    throw node.unsupported(`W has shape [${weight.dims.join(", ")}]; only 2-D convolution (4-D W) is supported.`, "Reshape 1-D convolutions to 2-D (height 1) before exporting.");
  }
  const [outChannels = 0, groupChannels = 0, kh = 0, kw = 0] = weight.dims;
  const [, inChannels = null, h = null, w = null] = onnxShape(input);
  const group = node.int("group", 1);
  const window = readWindow(node, [kh, kw], [h, w]);
  if (window.strides.some((s) => s > 1) && window.dilations.some((d) => d > 1)) {
    throw node.unsupported(
      `strides [${window.strides.join(", ")}] with dilations [${window.dilations.join(", ")}]: TF.js convolutions take strides > 1 or dilations > 1, not both.`,
      "Re-export the model with this convolution split into a dilated stride-1 Conv followed by a stride-s subsampling (e.g. a 1×1 MaxPool with strides s), or run it with onnxruntime.",
    );
  }
  const { x, padding } = padFor(node, ctx, ctx.nhwc(node, input), window);
  const useBias = bias !== undefined;
  const common = { kernelSize: window.kernel, strides: window.strides, dilationRate: window.dilations, padding, useBias, name: ctx.layerName(node) };
  const biasWeights = useBias ? [{ shape: [outChannels], data: float32(bias) }] : [];
  if (group > 1 && groupChannels === 1 && group === inChannels) {
    // ONNX output channel m = c * multiplier + k, the same order TF.js's depthwise kernel [kh, kw, c, k] gives.
    const multiplier = outChannels / group;
    const kernel = transpose(weight.data, [group, multiplier, kh, kw], [2, 3, 0, 1]);
    const layer = tf.layers.depthwiseConv2d({ ...common, depthMultiplier: multiplier, depthwiseInitializer: "zeros", biasInitializer: "zeros" });
    return tensorValue(ctx.apply(layer, x, [{ shape: kernel.dims, data: kernel.data }, ...biasWeights]), "nhwc");
  }
  const kernel = group === 1 ? transpose(weight.data, weight.dims, [2, 3, 1, 0]) : blockDiagonal(weight.data, weight.dims, group);
  const layer = tf.layers.conv2d({ ...common, filters: outChannels, kernelInitializer: "zeros", biasInitializer: "zeros" });
  return tensorValue(ctx.apply(layer, x, [{ shape: kernel.dims, data: kernel.data }, ...biasWeights]), "nhwc");
}

/**
 * A grouped convolution as one full Conv2D whose kernel is zero between groups: exact on the
 * forward pass; when fine-tuned, the zero blocks are trainable like the rest.
 */
function blockDiagonal(data: Float64Array, dims: number[], group: number): { data: Float32Array; dims: number[] } {
  const [outChannels = 0, groupChannels = 0, kh = 0, kw = 0] = dims;
  const inChannels = groupChannels * group;
  const outPerGroup = outChannels / group;
  const out = new Float32Array(kh * kw * inChannels * outChannels);
  for (let m = 0; m < outChannels; m++) {
    const g = Math.floor(m / outPerGroup);
    for (let c = 0; c < groupChannels; c++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const src = ((m * groupChannels + c) * kh + i) * kw + j;
          const dst = ((i * kw + j) * inChannels + g * groupChannels + c) * outChannels + m;
          out[dst] = data[src] ?? 0;
        }
      }
    }
  }
  return { data: out, dims: [kh, kw, inChannels, outChannels] };
}

function batchNormalization(node: NodeInfo, ctx: BuildContext): Value {
  const input = ctx.tensor(node, 0);
  const params = ["scale", "B", "mean", "var"].map((what, i) => float32(ctx.requireConstant(node, i + 1, `the ${what}`)));
  const channels = params[0]?.length ?? 0;
  const layout = input.t.rank === 4 ? "nhwc" : "plain";
  const x = layout === "nhwc" ? ctx.nhwc(node, input) : input.t;
  const layer = tf.layers.batchNormalization({
    axis: layout === "nhwc" ? 3 : 1,
    epsilon: node.float("epsilon", 1e-5),
    momentum: node.float("momentum", 0.9),
    name: ctx.layerName(node),
  });
  return tensorValue(ctx.apply(layer, x, params.map((data) => ({ shape: [channels], data }))), layout);
}

export const convOps: OpFamily = {
  converters: { Conv: conv, BatchNormalization: batchNormalization },
  spatial: ["Conv", "BatchNormalization"],
};
