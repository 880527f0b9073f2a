import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { createRng, loadEngine, ModelFileError } from "@graft/core";
import type { Rng } from "@graft/core";
import { beforeAll, describe, expect, it } from "vitest";

import { importOnnx, SUPPORTED_ONNX_OPS } from "../index.js";
import { attr, OnnxGraph } from "./onnx-graph.js";
import { parityError, sizeOf, uniform } from "./parity.js";
import type { InputSpec } from "./parity.js";

/** A parity case adds its nodes to an empty graph and returns the graph inputs it declared. */
interface OpCase {
  readonly name: string;
  readonly build: (g: OnnxGraph, rng: Rng) => InputSpec[];
}

/** A random float initializer. */
function weight(g: OnnxGraph, rng: Rng, name: string, dims: number[], scale = 0.5): string {
  return g.initializer(name, dims, uniform(rng, sizeOf(dims), scale));
}

function ints(g: OnnxGraph, name: string, values: number[]): string {
  return g.initializer(name, [values.length], values, "int64");
}

function scalar(g: OnnxGraph, name: string, value: number): string {
  return g.initializer(name, [], [value]);
}

/** x [n, c, h, w] → Conv(W [out, c/group, k, k]) → output, with the given attributes. */
function convCase(name: string, dims: number[], w: number[], attributes: Parameters<OnnxGraph["node"]>[2], bias = true): OpCase {
  return {
    name,
    build: (g, rng) => {
      const x = g.input("x", dims);
      const inputs = [x, weight(g, rng, "w", w), ...(bias ? [weight(g, rng, "b", [w[0] ?? 1])] : [])];
      g.output(g.node("Conv", inputs, attributes));
      return [{ dims, nhwc: true }];
    },
  };
}

/** A 3×3 same-padded Conv, so the ops under test see a channels-last tensor. */
function stem(g: OnnxGraph, rng: Rng, dims = [2, 3, 5, 5], out = 4): { x: string; y: string; inputs: InputSpec[] } {
  const x = g.input("x", dims);
  const y = g.node("Conv", [x, weight(g, rng, "stem_w", [out, dims[1] ?? 1, 3, 3]), weight(g, rng, "stem_b", [out])], { pads: attr.ints([1, 1, 1, 1]) });
  return { x, y, inputs: [{ dims, nhwc: true }] };
}

/** x [2, 5] → op → output. */
function unaryCase(op: string, attributes: Parameters<OnnxGraph["node"]>[2] = {}): OpCase {
  return {
    name: `${op} on a [n, features] tensor`,
    build: (g) => {
      g.output(g.node(op, [g.input("x", [2, 5])], attributes));
      return [{ dims: [2, 5] }];
    },
  };
}

/** A per-channel constant ([c, 1, 1]) applied to a channels-last conv output, and a row constant to a plain tensor. */
function withConstantCases(op: string): OpCase[] {
  return [
    {
      name: `${op} of a conv output and a per-channel constant`,
      build: (g, rng) => {
        const { y, inputs } = stem(g, rng);
        g.output(g.node(op, [y, g.initializer("c", [4, 1, 1], [2, 1, 3, 2])]));
        return inputs;
      },
    },
    {
      name: `${op} of a constant row and a [n, features] tensor (constant first)`,
      build: (g, rng) => {
        const x = g.input("x", [2, 5]);
        // Sigmoid + 1 keeps a divisor in (1, 2); a positive constant keeps Pow real.
        const positive = g.node("Add", [g.node("Sigmoid", [x]), scalar(g, "one", 1)]);
        g.output(g.node(op, [g.initializer("c", [5], Array.from(uniform(rng, 5, 2), (v) => Math.abs(v) + 0.25)), positive]));
        return [{ dims: [2, 5] }];
      },
    },
  ];
}

/** Two computed tensors of one shape: a conv output (channels-last) and a plain 4-D graph input. */
function betweenTensorsCase(op: string): OpCase {
  return {
    name: `${op} between a conv output and a second graph input`,
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng);
      const z = g.input("z", [2, 4, 5, 5]);
      const right = op === "Div" || op === "Pow" ? g.node("Add", [g.node("Sigmoid", [z]), scalar(g, "one", 1)]) : z;
      const left = op === "Pow" ? g.node("Sigmoid", [y]) : y;
      g.output(g.node(op, [left, right]));
      return [...inputs, { dims: [2, 4, 5, 5] }];
    },
  };
}

const CASES: OpCase[] = [
  convCase("Conv 3×3 with bias and same pads", [2, 3, 6, 6], [4, 3, 3, 3], { pads: attr.ints([1, 1, 1, 1]) }),
  convCase("Conv with asymmetric pads, no bias", [2, 3, 6, 5], [2, 3, 3, 3], { pads: attr.ints([0, 1, 2, 1]) }, false),
  convCase("Conv stride 2 with pads 'same' would not add", [2, 3, 8, 8], [4, 3, 3, 3], { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) }),
  convCase("Conv stride 2 on an odd size", [2, 2, 7, 7], [3, 2, 3, 3], { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) }),
  convCase("Conv with dilations 2", [2, 2, 9, 9], [3, 2, 3, 3], { pads: attr.ints([2, 2, 2, 2]), dilations: attr.ints([2, 2]) }),
  convCase("Conv 1×3 kernel, strides [1, 2]", [2, 2, 4, 9], [3, 2, 1, 3], { kernel_shape: attr.ints([1, 3]), strides: attr.ints([1, 2]) }),
  convCase("Conv auto_pad SAME_UPPER", [2, 2, 6, 6], [3, 2, 4, 4], { auto_pad: attr.string("SAME_UPPER") }),
  convCase("Conv auto_pad SAME_LOWER, stride 2", [2, 2, 6, 6], [3, 2, 2, 2], { auto_pad: attr.string("SAME_LOWER"), strides: attr.ints([2, 2]) }),
  convCase("Conv auto_pad VALID", [2, 2, 5, 5], [3, 2, 3, 3], { auto_pad: attr.string("VALID") }),
  convCase("Conv group 2", [2, 4, 5, 5], [6, 2, 3, 3], { group: attr.int(2), pads: attr.ints([1, 1, 1, 1]) }),
  convCase("Conv depthwise (group = channels)", [2, 3, 6, 6], [3, 1, 3, 3], { group: attr.int(3), pads: attr.ints([1, 1, 1, 1]) }),
  convCase("Conv depthwise, multiplier 2, stride 2", [2, 3, 7, 7], [6, 1, 3, 3], { group: attr.int(3), pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) }),
  {
    name: "Conv of an input normalised by per-channel Sub/Div (input taken channels-last)",
    build: (g, rng) => {
      const x = g.input("x", [2, 3, 6, 6]);
      const normalised = g.node("Div", [g.node("Sub", [x, g.initializer("mean", [3, 1, 1], [0.4, 0.5, 0.6])]), g.initializer("std", [3, 1, 1], [0.2, 0.25, 0.3])]);
      g.output(g.node("Conv", [g.node("Clip", [normalised, scalar(g, "lo", -1.5), scalar(g, "hi", 1.5)]), weight(g, rng, "w", [2, 3, 3, 3])]));
      return [{ dims: [2, 3, 6, 6], nhwc: true }];
    },
  },
  {
    name: "Conv of the sum of two 4-D inputs (both taken channels-last)",
    build: (g, rng) => {
      const sum = g.node("Add", [g.input("x", [2, 3, 5, 5]), g.input("z", [2, 3, 5, 5])]);
      g.output(g.node("Conv", [sum, weight(g, rng, "w", [2, 3, 3, 3])], { pads: attr.ints([1, 1, 1, 1]) }));
      return [
        { dims: [2, 3, 5, 5], nhwc: true },
        { dims: [2, 3, 5, 5], nhwc: true },
      ];
    },
  },
  {
    name: "BatchNormalization of a 4-D graph input",
    build: (g, rng) => {
      const x = g.input("x", [2, 3, 4, 4]);
      const params = [weight(g, rng, "scale", [3]), weight(g, rng, "bias", [3]), weight(g, rng, "mean", [3]), g.initializer("var", [3], [0.5, 1, 2])];
      g.output(g.node("BatchNormalization", [x, ...params], { epsilon: attr.float(1e-3) }));
      return [{ dims: [2, 3, 4, 4], nhwc: true }];
    },
  },
  {
    name: "BatchNormalization of a [n, features] tensor",
    build: (g, rng) => {
      const x = g.input("x", [2, 5]);
      const params = [weight(g, rng, "scale", [5]), weight(g, rng, "bias", [5]), weight(g, rng, "mean", [5]), g.initializer("var", [5], [0.5, 1, 2, 0.1, 3])];
      g.output(g.node("BatchNormalization", [x, ...params]));
      return [{ dims: [2, 5] }];
    },
  },
  unaryCase("Relu"),
  unaryCase("LeakyRelu", { alpha: attr.float(0.2) }),
  unaryCase("Elu", { alpha: attr.float(0.5) }),
  unaryCase("Sigmoid"),
  unaryCase("Tanh"),
  unaryCase("Softplus"),
  unaryCase("Identity"),
  unaryCase("Dropout"),
  unaryCase("Softmax"),
  {
    name: "Softmax over the channel axis of a conv output",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng);
      g.output(g.node("Softmax", [y], { axis: attr.int(1) }));
      return inputs;
    },
  },
  {
    name: "Relu after a conv (channels-last)",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng);
      g.output(g.node("Relu", [y]));
      return inputs;
    },
  },
  {
    name: "Clip to [0, 6] (inputs, opset 13)",
    build: (g) => {
      const x = g.input("x", [2, 5]);
      g.output(g.node("Clip", [g.node("Mul", [x, scalar(g, "k", 4)]), scalar(g, "lo", 0), scalar(g, "hi", 6)]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Clip to [-0.5, 0.75]",
    build: (g) => {
      g.output(g.node("Clip", [g.input("x", [2, 5]), scalar(g, "lo", -0.5), scalar(g, "hi", 0.75)]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Clip with only a max (min input skipped)",
    build: (g) => {
      g.output(g.node("Clip", [g.input("x", [2, 5]), "", scalar(g, "hi", 0.25)]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Clip with min/max attributes (opset 6)",
    build: (g) => {
      g.output(g.node("Clip", [g.input("x", [2, 5])], { min: attr.float(-1), max: attr.float(0.5) }));
      return [{ dims: [2, 5] }];
    },
  },
  ...["Add", "Sub", "Mul", "Div", "Max", "Min", "Pow"].flatMap((op) => [...withConstantCases(op), betweenTensorsCase(op)]),
  {
    name: "Sum, Max and Min of three tensors",
    build: (g, rng) => {
      const x = g.input("x", [2, 5]);
      const [a, b, c] = [g.node("Relu", [x]), g.node("Tanh", [x]), g.node("Mul", [x, weight(g, rng, "k", [5])])];
      g.output(g.node("Sum", [g.node("Max", [a, b, c]), g.node("Min", [a, b, c]), c]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Add of a [n, 5] and a [n, 1] tensor (broadcast)",
    build: (g, rng) => {
      const x = g.input("x", [2, 5]);
      const column = g.node("Gemm", [x, weight(g, rng, "w", [5, 1])]);
      g.output(g.node("Add", [x, column]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "MaxPool 2×2 stride 2",
    build: (g) => {
      g.output(g.node("MaxPool", [g.input("x", [2, 3, 6, 6])], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }));
      return [{ dims: [2, 3, 6, 6], nhwc: true }];
    },
  },
  {
    name: "MaxPool 3×3 stride 2 with 'same' pads",
    build: (g) => {
      g.output(g.node("MaxPool", [g.input("x", [2, 3, 7, 7])], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }));
      return [{ dims: [2, 3, 7, 7], nhwc: true }];
    },
  },
  {
    name: "MaxPool 3×3 stride 2 with pads 1 on an even size (ResNet's stem pool)",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng, [2, 3, 8, 8]);
      g.output(g.node("MaxPool", [y], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }));
      return inputs;
    },
  },
  {
    name: "MaxPool with asymmetric pads of a negative-valued input",
    build: (g) => {
      const x = g.input("x", [2, 2, 5, 6]);
      const negative = g.node("Sub", [g.node("Relu", [x]), scalar(g, "three", 3)]);
      g.output(g.node("MaxPool", [negative], { kernel_shape: attr.ints([2, 3]), pads: attr.ints([1, 0, 0, 2]) }));
      return [{ dims: [2, 2, 5, 6], nhwc: true }];
    },
  },
  {
    name: "AveragePool 3×3 with pads, count_include_pad=1",
    build: (g) => {
      g.output(g.node("AveragePool", [g.input("x", [2, 3, 5, 5])], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]), count_include_pad: attr.int(1) }));
      return [{ dims: [2, 3, 5, 5], nhwc: true }];
    },
  },
  {
    name: "AveragePool 3×3 with pads, count_include_pad=0",
    build: (g) => {
      g.output(g.node("AveragePool", [g.input("x", [2, 3, 5, 5])], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) }));
      return [{ dims: [2, 3, 5, 5], nhwc: true }];
    },
  },
  {
    name: "AveragePool 2×2 stride 2 after a conv",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng, [2, 3, 6, 6]);
      g.output(g.node("AveragePool", [y], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }));
      return inputs;
    },
  },
  {
    name: "GlobalAveragePool (keeps [n, c, 1, 1])",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng);
      g.output(g.node("GlobalAveragePool", [y]));
      return inputs;
    },
  },
  {
    name: "GlobalMaxPool → Flatten → Gemm head",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng);
      const flat = g.node("Flatten", [g.node("GlobalMaxPool", [y])]);
      g.output(g.node("Gemm", [flat, weight(g, rng, "w", [3, 4]), weight(g, rng, "b", [3])], { transB: attr.int(1) }));
      return inputs;
    },
  },
  {
    name: "Gemm with transB, alpha and beta",
    build: (g, rng) => {
      const x = g.input("x", [2, 5]);
      g.output(g.node("Gemm", [x, weight(g, rng, "w", [3, 5]), weight(g, rng, "b", [3])], { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) }));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Gemm without transB and a scalar bias",
    build: (g, rng) => {
      const x = g.input("x", [2, 5]);
      g.output(g.node("Gemm", [x, weight(g, rng, "w", [5, 3]), scalar(g, "b", 0.3)], { beta: attr.float(0.5) }));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "MatMul of a [n, 5] tensor",
    build: (g, rng) => {
      g.output(g.node("MatMul", [g.input("x", [2, 5]), weight(g, rng, "w", [5, 3])]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "MatMul of a [n, 4, 5] tensor (over the last axis)",
    build: (g, rng) => {
      g.output(g.node("MatMul", [g.input("x", [2, 4, 5]), weight(g, rng, "w", [5, 3])]));
      return [{ dims: [2, 4, 5] }];
    },
  },
  {
    name: "Flatten of a conv output (NCHW order)",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng, [2, 3, 3, 4], 2);
      g.output(g.node("Flatten", [y]));
      return inputs;
    },
  },
  {
    name: "Flatten of a [n, 3, 4] tensor",
    build: (g) => {
      g.output(g.node("Flatten", [g.input("x", [2, 3, 4])]));
      return [{ dims: [2, 3, 4] }];
    },
  },
  {
    name: "Reshape of a conv output to [0, -1]",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng, [2, 3, 3, 4], 2);
      g.output(g.node("Reshape", [y, ints(g, "shape", [0, -1])]));
      return inputs;
    },
  },
  {
    name: "Reshape to [0, 3, -1]",
    build: (g) => {
      g.output(g.node("Reshape", [g.input("x", [2, 4, 6]), ints(g, "shape", [0, 3, -1])]));
      return [{ dims: [2, 4, 6] }];
    },
  },
  {
    name: "Reshape to [0, 0, 2, -1] (0 copies the axis)",
    build: (g) => {
      g.output(g.node("Reshape", [g.input("x", [2, 4, 6]), ints(g, "shape", [0, 0, 2, -1])]));
      return [{ dims: [2, 4, 6] }];
    },
  },
  {
    name: "Reshape to [-1, 12] (batch inferred)",
    build: (g) => {
      g.output(g.node("Reshape", [g.input("x", [2, 3, 4]), ints(g, "shape", [-1, 12])]));
      return [{ dims: [2, 3, 4] }];
    },
  },
  {
    name: "Reshape of features to [0, 3, 4, 4] feeding a Conv",
    build: (g, rng) => {
      const x = g.input("x", [2, 48]);
      const image = g.node("Reshape", [x, ints(g, "shape", [0, 3, 4, 4])]);
      g.output(g.node("Conv", [image, weight(g, rng, "w", [2, 3, 3, 3])], { pads: attr.ints([1, 1, 1, 1]) }));
      return [{ dims: [2, 48] }];
    },
  },
  {
    name: "Reshape with a shape from a Constant node",
    build: (g) => {
      const shape = g.node("Constant", [], { value: attr.tensor([3], [0, 2, 6], "int64") });
      g.output(g.node("Reshape", [g.input("x", [2, 3, 4]), shape]));
      return [{ dims: [2, 3, 4] }];
    },
  },
  {
    name: "Transpose [0, 2, 1] of a [n, 3, 4] tensor",
    build: (g) => {
      g.output(g.node("Transpose", [g.input("x", [2, 3, 4])], { perm: attr.ints([0, 2, 1]) }));
      return [{ dims: [2, 3, 4] }];
    },
  },
  {
    name: "Transpose [0, 2, 3, 1] (to NHWC) of a conv output",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng, [2, 3, 4, 5]);
      g.output(g.node("Transpose", [y], { perm: attr.ints([0, 2, 3, 1]) }));
      return inputs;
    },
  },
  {
    name: "Transpose [0, 1, 3, 2] of a conv output",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng, [2, 3, 4, 5]);
      g.output(g.node("Transpose", [y], { perm: attr.ints([0, 1, 3, 2]) }));
      return inputs;
    },
  },
  {
    name: "Concat of two conv branches on the channel axis",
    build: (g, rng) => {
      const { x, y, inputs } = stem(g, rng);
      const other = g.node("Conv", [x, weight(g, rng, "w2", [2, 3, 1, 1])]);
      g.output(g.node("Concat", [y, other], { axis: attr.int(1) }));
      return inputs;
    },
  },
  {
    name: "Concat of a conv output and a plain 4-D input on the width axis",
    build: (g, rng) => {
      const { y, inputs } = stem(g, rng);
      g.output(g.node("Concat", [y, g.input("z", [2, 4, 5, 3])], { axis: attr.int(-1) }));
      return [...inputs, { dims: [2, 4, 5, 3] }];
    },
  },
  {
    name: "Concat of [n, features] tensors",
    build: (g) => {
      const x = g.input("x", [2, 5]);
      g.output(g.node("Concat", [x, g.node("Tanh", [x])], { axis: attr.int(1) }));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Pad (zeros, spatial) feeding a Conv",
    build: (g, rng) => {
      const x = g.input("x", [2, 3, 5, 5]);
      const padded = g.node("Pad", [x, ints(g, "pads", [0, 0, 1, 2, 0, 0, 2, 0])]);
      g.output(g.node("Conv", [padded, weight(g, rng, "w", [2, 3, 3, 3])]));
      return [{ dims: [2, 3, 5, 5], nhwc: true }];
    },
  },
  {
    name: "Pad with a constant value 0.5",
    build: (g) => {
      g.output(g.node("Pad", [g.input("x", [2, 2, 3, 4]), ints(g, "pads", [0, 0, 2, 0, 0, 0, 0, 1]), scalar(g, "value", 0.5)]));
      return [{ dims: [2, 2, 3, 4], nhwc: true }];
    },
  },
  {
    name: "Pad as the graph output",
    build: (g) => {
      g.output(g.node("Pad", [g.input("x", [2, 2, 3, 4]), ints(g, "pads", [0, 0, 1, 1, 0, 0, 1, 1]), scalar(g, "value", 0)]));
      return [{ dims: [2, 2, 3, 4], nhwc: true }];
    },
  },
  {
    name: "Add of a Constant node (value tensor) and a tensor",
    build: (g) => {
      const c = g.node("Constant", [], { value: attr.tensor([5], [0.5, -1, 2, 0, 3]) });
      g.output(g.node("Add", [g.input("x", [2, 5]), c]));
      return [{ dims: [2, 5] }];
    },
  },
  {
    name: "Mul by a Constant value_float folded with another constant",
    build: (g) => {
      const c = g.node("Constant", [], { value_float: attr.float(1.5) });
      const folded = g.node("Mul", [c, scalar(g, "two", 2)]);
      g.output(g.node("Mul", [g.input("x", [2, 5]), folded]));
      return [{ dims: [2, 5] }];
    },
  },
];

/** Opset of a case: the attribute form of Clip only exists before opset 11. */
function graphFor(c: OpCase, index: number): { graph: OnnxGraph; inputs: InputSpec[] } {
  const graph = new OnnxGraph(`case_${index}`, c.name.includes("opset 6") ? 6 : 13);
  return { graph, inputs: c.build(graph, createRng(100 + index)) };
}

describe("importOnnx op by op", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))("should match onnxruntime: %s", async (_, c, index) => {
    const { graph, inputs } = graphFor(c, index);
    expect(await parityError(graph, inputs, index)).toBeLessThanOrEqual(1e-4);
  });

  it("should have a parity case for every supported op", () => {
    const covered = new Set(CASES.flatMap((c, i) => graphFor(c, i).graph.opTypes));
    expect(SUPPORTED_ONNX_OPS.filter((op) => !covered.has(op))).toEqual([]);
  });
});

describe("importOnnx errors", () => {
  it("should name an unsupported op, its node and the supported ops", async () => {
    const g = new OnnxGraph();
    g.output(g.node("Erf", [g.node("Relu", [g.input("x", [2, 5])])], {}, { name: "gelu/erf" }));
    const before = tf.memory().numTensors;
    const error = await importOnnx(g.encode()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/cannot be built from TF\.js layers: Erf \(node "gelu\/erf"\)/);
    expect((error as Error).message).toMatch(new RegExp(`Supported ops: ${SUPPORTED_ONNX_OPS.join(", ")}\\.`));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should list every unsupported op at once", async () => {
    const g = new OnnxGraph();
    const x = g.input("x", [2, 5]);
    g.output(g.node("Sin", [g.node("Erf", [g.node("Erf", [x])])]));
    await expect(importOnnx(g.encode())).rejects.toThrow(/Erf \(nodes "erf_0", "erf_1"\); Sin \(node "sin_2"\)/);
  });

  it("should refuse a Conv with both strides and dilations above 1, saying TF.js cannot", async () => {
    const g = new OnnxGraph();
    const w = g.initializer("w", [2, 3, 3, 3], new Float32Array(54).fill(0.1));
    g.output(g.node("Conv", [g.input("x", [1, 3, 9, 9]), w], { strides: attr.ints([2, 2]), dilations: attr.ints([2, 2]) }, { name: "dilated" }));
    const before = tf.memory().numTensors;
    const error = await importOnnx(g.encode()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/Conv node "dilated": strides \[2, 2\] with dilations \[2, 2\].*TF\.js/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should refuse reflect padding with the supported form in the message", async () => {
    const g = new OnnxGraph();
    const x = g.input("x", [1, 2, 4, 4]);
    g.output(g.node("Pad", [x, g.initializer("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1], "int64")], { mode: attr.string("reflect") }));
    await expect(importOnnx(g.encode())).rejects.toThrow(/only constant padding .* got mode "reflect"/);
  });

  it("should name the file that is missing, not ONNX, or holds an unsupported op", async () => {
    await expect(importOnnx(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toThrow(ModelFileError);
    await expect(importOnnx("/nonexistent/model.onnx")).rejects.toThrow(/\/nonexistent\/model\.onnx: cannot read the ONNX file/);
    const dir = await mkdtemp(path.join(tmpdir(), "graft-onnx-errors-"));
    try {
      const garbage = path.join(dir, "garbage.onnx");
      await writeFile(garbage, "not a protobuf at all");
      await expect(importOnnx(garbage)).rejects.toThrow(/garbage\.onnx is not an ONNX model/);
      const g = new OnnxGraph();
      g.output(g.node("Erf", [g.input("x", [2, 5])]));
      const erf = path.join(dir, "erf.onnx");
      await writeFile(erf, g.encode());
      const error = await importOnnx(erf).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as ModelFileError).path).toBe(erf);
      expect((error as Error).message).toMatch(/erf\.onnx: the ONNX model uses an op .*Erf \(node "erf_0"\)[^\n]*\nFix: Re-export/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
