import * as tf from "@tensorflow/tfjs";

import { onnxShape, tensorValue } from "../context.js";
import type { BuildContext, Value } from "../context.js";
import type { NodeInfo } from "../node-info.js";
import { LOWEST_FLOAT32, OnnxConstantPad } from "../layers/constant-pad.js";
import { padFor } from "./conv.js";
import type { OpFamily } from "./types.js";
import { readWindow } from "./util.js";

function pool(kind: "max" | "average") {
  return (node: NodeInfo, ctx: BuildContext): Value => {
    const input = ctx.tensor(node, 0);
    const kernel = node.ints("kernel_shape") ?? [];
    if (kernel.length !== 2) throw node.unsupported(`kernel_shape is [${kernel.join(", ")}]; only 2-D pooling is supported.`, "Use 2-D pooling over NCHW tensors.");
    const [, , h = null, w = null] = onnxShape(input);
    const window = readWindow(node, [kernel[0] ?? 1, kernel[1] ?? 1], [h, w]);
    if (window.dilations.some((d) => d !== 1)) throw node.unsupported(`dilations [${window.dilations.join(", ")}] are not supported by TF.js pooling.`, "Use undilated pooling.");
    if (node.int("ceil_mode", 0) === 1 && !floorEqualsCeil([h, w], window)) {
      throw node.unsupported("ceil_mode=1 gives a different output size than TF.js pooling for this input.", "Export with ceil_mode=0 or pads that make the window fit.");
    }
    let x = ctx.nhwc(node, input);
    let padding: "valid" | "same" = window.padding === "same" ? "same" : "valid";
    if (window.padding === "explicit" && kind === "max") {
      // ONNX max pooling never picks a pad: pad with the lowest float32 (ResNet's 3×3/2 pool with pads 1).
      x = ctx.apply(new OnnxConstantPad({ padding: window.pads, value: LOWEST_FLOAT32, name: ctx.layerName(node, "pad") }), x);
      padding = "valid";
    } else if (window.padding === "explicit") {
      // Zero pads are only right for an average that counts them.
      if (node.int("count_include_pad", 0) === 0) {
        throw node.unsupported(`pads [${window.pads.flat().join(", ")}] differ from TF.js "same" padding for this input size, and an average that excludes pads (count_include_pad=0) cannot be built from zero padding.`, "Export with pads equal to SAME_UPPER, with no pads, or with count_include_pad=1.");
      }
      ({ x, padding } = padFor(node, ctx, x, window));
    } else if (window.padding === "same" && kind === "average" && node.int("count_include_pad", 0) === 1) {
      ({ x, padding } = padFor(node, ctx, x, { ...window, padding: "explicit" }));
    }
    const args = { poolSize: window.kernel, strides: window.strides, padding, name: ctx.layerName(node) };
    const layer = kind === "max" ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    return tensorValue(ctx.apply(layer, x), "nhwc");
  };
}

function floorEqualsCeil(size: [number | null, number | null], window: ReturnType<typeof readWindow>): boolean {
  return size.every((s, i) => {
    if (s === null) return false;
    const [a, b] = window.pads[i] ?? [0, 0];
    const span = s + a + b - (window.kernel[i] ?? 1);
    return span % (window.strides[i] ?? 1) === 0;
  });
}

function globalPool(kind: "max" | "average") {
  return (node: NodeInfo, ctx: BuildContext): Value => {
    const input = ctx.tensor(node, 0);
    const x = ctx.nhwc(node, input);
    const name = ctx.layerName(node);
    const pooled = ctx.apply(kind === "max" ? tf.layers.globalMaxPooling2d({ name }) : tf.layers.globalAveragePooling2d({ name }), x);
    // ONNX keeps [n, c, 1, 1]; held channels-last that is [n, 1, 1, c].
    const channels = pooled.shape[1] ?? 1;
    return tensorValue(ctx.apply(tf.layers.reshape({ targetShape: [1, 1, channels], name: ctx.layerName(node, "keepdims") }), pooled), "nhwc");
  };
}

export const poolOps: OpFamily = {
  converters: {
    MaxPool: pool("max"),
    AveragePool: pool("average"),
    GlobalAveragePool: globalPool("average"),
    GlobalMaxPool: globalPool("max"),
  },
  spatial: ["MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"],
};
