import { readFile } from "node:fs/promises";

import * as tf from "@tensorflow/tfjs";
import { GraftError, ModelFileError } from "@graft/core";

import { BuildContext, tensorValue } from "./context.js";
import type { TensorValue } from "./context.js";
import { NodeInfo } from "./node-info.js";
import { CONVERTERS, LAYOUT_KEEPING_OPS, SPATIAL_OPS, SUPPORTED_ONNX_OPS } from "./ops/registry.js";
import { proto, toNumber } from "./proto.js";
import type { GraphProto, ModelProto } from "./proto.js";
import { readTensor } from "./tensor-data.js";

export interface ImportOnnxOptions {
  /**
   * Name of the returned tf.LayersModel.
   * @default the ONNX graph's name, or "onnx"
   */
  name?: string;
}

/**
 * Builds a tf.LayersModel of standard TF.js layers from an ONNX model (bytes or a file path).
 * 4-D inputs that feed a convolution, pooling, batch norm or Pad (directly or through activations
 * and element-wise arithmetic) are taken channels-last
 * ([n, h, w, c] for ONNX's [n, c, h, w]); other inputs and all outputs keep their ONNX shape.
 */
export async function importOnnx(source: Uint8Array | string, options: ImportOnnxOptions = {}): Promise<tf.LayersModel> {
  const where = typeof source === "string" ? source : "ONNX bytes";
  let bytes: Uint8Array;
  try {
    bytes = typeof source === "string" ? await readFile(source) : source;
  } catch (cause) {
    throw new ModelFileError("cannot read the ONNX file.", { path: where, cause, fix: "Check the path." });
  }
  let model: ModelProto;
  try {
    model = proto.ModelProto.decode(bytes);
  } catch (cause) {
    throw new ModelFileError(`${where} is not an ONNX model: ${(cause as Error).message}.`, { cause, fix: "Pass the bytes of a .onnx file (a serialised onnx.ModelProto)." });
  }
  if (!model.graph) throw new ModelFileError(`${where} holds no graph.`, { fix: "Pass a complete ONNX model, not a bare tensor or function." });
  try {
    return buildModel(model.graph, opsetOf(model), options.name ?? (model.graph.name || "onnx"));
  } catch (error) {
    throw typeof source === "string" ? withPath(error, source) : error;
  }
}

/** The same ModelFileError, prefixed with the file it came from. */
function withPath(error: unknown, path: string): unknown {
  if (!(error instanceof ModelFileError) || error.path !== undefined) return error;
  const suffix = error.fix === undefined ? "" : `\nFix: ${error.fix}`;
  const message = error.message.endsWith(suffix) ? error.message.slice(0, error.message.length - suffix.length) : error.message;
  return new ModelFileError(message, { path, cause: error.cause, ...(error.fix === undefined ? {} : { fix: error.fix }) });
}

function opsetOf(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  return toNumber(entry?.version ?? 13);
}

/** Every node whose op has no converter, all at once, so one error lists them all. */
function checkSupported(nodes: NodeInfo[], domains: string[]): void {
  const missing = new Map<string, string[]>();
  nodes.forEach((node, i) => {
    const domain = domains[i] ?? "";
    const key = domain && domain !== "ai.onnx" ? `${domain}.${node.opType}` : node.opType;
    if (key === node.opType && CONVERTERS.has(node.opType)) return;
    missing.set(key, [...(missing.get(key) ?? []), node.name]);
  });
  if (missing.size === 0) return;
  const list = [...missing].map(([op, names]) => `${op} (${names.length === 1 ? "node" : "nodes"} ${names.slice(0, 3).map((n) => `"${n}"`).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""})`);
  throw new ModelFileError(`the ONNX model uses ${missing.size === 1 ? "an op" : "ops"} that cannot be built from TF.js layers: ${list.join("; ")}. Supported ops: ${SUPPORTED_ONNX_OPS.join(", ")}.`, {
    fix: "Re-export the model without these ops (onnx-simplifier folds many shape computations), or run it with onnxruntime instead.",
  });
}

/**
 * True when the value reaches a spatial op directly or through ops that keep its layout
 * (activations, element-wise arithmetic), as a graph input that is normalised
 * ((x - mean) / std) before the first Conv does.
 */
function reachesSpatial(name: string, readers: ReadonlyMap<string, NodeInfo[]>, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  return (readers.get(name) ?? []).some((node) => {
    if (SPATIAL_OPS.has(node.opType)) return true;
    const first = node.outputs[0];
    return LAYOUT_KEEPING_OPS.has(node.opType) && first !== undefined && reachesSpatial(first, readers, seen);
  });
}

function buildModel(graph: GraphProto, opset: number, name: string): tf.LayersModel {
  const rawNodes = graph.node ?? [];
  const nodes = rawNodes.map((node, i) => new NodeInfo(node, i));
  checkSupported(nodes, rawNodes.map((node) => node.domain ?? ""));
  const consumers = new Map<string, string[]>();
  for (const node of nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node.opType]);
  const readers = new Map<string, NodeInfo[]>();
  for (const node of nodes) for (const input of node.inputs) readers.set(input, [...(readers.get(input) ?? []), node]);
  const outputNames = (graph.output ?? []).map((o) => o.name ?? "");
  const ctx = new BuildContext(opset, { consumers, outputs: new Set(outputNames), spatial: SPATIAL_OPS });

  for (const init of graph.initializer ?? []) ctx.values.set(init.name ?? "", readTensor(init, `initializer "${init.name}"`));
  const inputs: tf.SymbolicTensor[] = [];
  for (const info of graph.input ?? []) {
    const inputName = info.name ?? "";
    if (ctx.values.has(inputName)) continue;
    const dims = (info.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue === null || d.dimValue === undefined ? null : toNumber(d.dimValue)));
    if (dims.length === 0) throw new ModelFileError(`graph input "${inputName}" has no shape; expected at least [batch, features].`, { fix: "Export the model with input shapes." });
    const image = dims.length === 4 && reachesSpatial(inputName, readers);
    const shape = image ? [dims[2] ?? null, dims[3] ?? null, dims[1] ?? null] : dims.slice(1);
    const input = tf.input({ shape, name: ctx.reserveName(inputName) });
    inputs.push(input);
    ctx.values.set(inputName, tensorValue(input, image ? "nhwc" : "plain"));
  }

  for (const node of nodes) {
    const converter = CONVERTERS.get(node.opType);
    if (!converter) continue;
    try {
      const value = converter(node, ctx);
      const [first, ...others] = node.outputs;
      ctx.values.set(first ?? "", value);
      const used = others.find((o) => o !== "" && consumers.has(o));
      if (used) throw node.unsupported(`its output "${used}" is read by another node; only the first output of an op is supported.`, "Export the model for inference (training-mode outputs removed).");
    } catch (cause) {
      if (cause instanceof GraftError) throw cause;
      throw new ModelFileError(`${node.where}: TF.js could not build this node: ${(cause as Error).message}`, { cause, fix: "Check the node's input shapes; this may be an importer bug worth reporting." });
    }
  }

  const outputs = outputNames.map((outputName) => {
    const value = ctx.values.get(outputName);
    if (!value || value.kind !== "tensor") {
      throw new ModelFileError(`graph output "${outputName}" is ${value ? "a constant" : "never computed"}; expected a tensor computed from the inputs.`, { fix: "Export a graph whose outputs depend on its inputs." });
    }
    return ctx.plain(new NodeInfo({ name: `${outputName}_output`, opType: "Output" }, 0), value as TensorValue);
  });
  const model = tf.model({ inputs, outputs, name: ctx.reserveName(name) });
  ctx.setWeights();
  return model;
}
