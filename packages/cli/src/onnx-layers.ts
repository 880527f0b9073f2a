import { readFile } from "node:fs/promises";
import path from "node:path";

import type * as tf from "@tensorflow/tfjs";

// The layers @graft/onnx registers are all named Onnx<Something>.
const ONNX_LAYER = /"class_name"\s*:\s*"Onnx[A-Za-z]+"/;

/**
 * Registers @graft/onnx's custom layers when the model saved in `dir` uses one (a model
 * transferred from an ONNX source), so TF.js can deserialise it. @graft/onnx (and its
 * protobuf decoder) is only loaded when needed.
 */
export async function registerOnnxLayersFor(dir: string): Promise<void> {
  const text = await readFile(path.join(dir, "model.json"), "utf8").catch(() => "");
  if (ONNX_LAYER.test(text)) await import("@graft/onnx");
}

/** Imports an ONNX file as a tf.LayersModel (loads @graft/onnx on first use). */
export async function importOnnxFile(file: string): Promise<tf.LayersModel> {
  const { importOnnx } = await import("@graft/onnx");
  return importOnnx(file);
}
