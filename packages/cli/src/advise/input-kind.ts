import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describeSpec, readManifest, type InputSpec } from "@graft/core";

import { builtinSource, loadPlugin, pluginForKind } from "../plugins/index.js";
import type { CliPlugin } from "../plugins/types.js";
import { importOnnxFile } from "../onnx-layers.js";
import { sourceKind } from "../source.js";
import type { RuleResult } from "./types.js";

/** What kind of input the source model takes, read without loading its weights. */
export async function sourceInput(
  from: string | undefined,
  backbone: string | undefined,
): Promise<{ kind: InputSpec["kind"]; spec?: InputSpec; plugin?: string; text: string }> {
  const builtin = backbone ? await builtinSource(backbone).catch(() => undefined) : undefined;
  if (builtin) {
    const spec = builtin.make.inputSpec;
    return { kind: spec.kind, spec, plugin: builtin.plugin.plugin.name, text: describeSpec(spec) };
  }
  if (!from) return { kind: "tensor", text: "unknown" };
  const { kind, dir } = await sourceKind(from);
  if (kind === "graft") {
    const manifest = await readManifest(dir);
    const spec = manifest.inputSpec;
    const saved = manifest.plugin
      ? await loadPlugin(manifest.plugin.name).catch(() => undefined)
      : undefined;
    const k = spec?.kind ?? saved?.kind ?? "tensor";
    return {
      kind: k,
      ...(spec ? { spec } : {}),
      ...(manifest.plugin ? { plugin: manifest.plugin.name } : {}),
      text: spec ? describeSpec(spec) : k,
    };
  }
  if (kind === "onnx") return imageOrTensor(await onnxInputShape(dir));
  const json = existsSync(path.join(dir, "model.json"))
    ? (JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8")) as {
        modelTopology?: unknown;
      })
    : {};
  return imageOrTensor(findInputShape(json.modelTopology));
}

/** The per-example input shape of an ONNX model as graft will take it (images channels-last). */
async function onnxInputShape(file: string): Promise<number[]> {
  const model = await importOnnxFile(file);
  const shape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? -1);
  model.dispose();
  return shape;
}

async function imageOrTensor(
  shape: number[] | undefined,
): Promise<{ kind: InputSpec["kind"]; spec: InputSpec; plugin?: string; text: string }> {
  const spec: InputSpec = { kind: "tensor", shape: shape ?? [] };
  // A [h, w, 3] input can only be an image.
  const image =
    shape?.length === 3 && shape[2] === 3 ? await pluginForKind("image") : undefined;
  return {
    kind: image ? "image" : "tensor",
    spec,
    ...(image ? { plugin: image.plugin.name } : {}),
    text: `tensor [${(shape ?? []).join(", ")}]`,
  };
}

/** Rule 1: A and B take the same kind of input, and which adapter joins them. */
export function inputKindRule(
  source: Awaited<ReturnType<typeof sourceInput>>,
  plugin: CliPlugin,
): RuleResult {
  const title = "A and B take the same kind of input";
  const b = plugin.kind;
  const bText = `${plugin.inputsInWords} (${plugin.plugin.packageName})`;
  if (source.kind === "tensor") {
    return {
      rule: 1,
      title,
      status: "warn",
      summary: `A takes ${source.text} (kind unknown); B is ${bText}: pass --plugin to say how A's inputs were made`,
      details: { a: source.text, b },
    };
  }
  if (source.kind !== b) {
    return {
      rule: 1,
      title,
      status: "fail",
      summary: `A takes ${source.kind} inputs (${source.text}); B is ${bText}: no adapter turns ${plugin.inputsInWords} into ${source.kind} inputs`,
      details: { a: source.text, aKind: source.kind, b },
    };
  }
  const adapter = source.spec ? plugin.adapterFor(source.spec) : "none";
  return {
    rule: 1,
    title,
    status: "pass",
    summary: `A takes ${source.text}; B is ${bText}; adapter: ${adapter}`,
    details: { a: source.text, b, adapter },
  };
}

function findInputShape(topology: unknown): number[] | undefined {
  // Keras/TF.js topology: the first InputLayer's batch_input_shape (or batch_shape), minus the batch axis.
  const seen = JSON.stringify(topology ?? {});
  const match =
    /"(?:batch_input_shape|batch_shape|batchInputShape)":\s*\[\s*null\s*,([^\]]*)\]/.exec(seen);
  return match ? (match[1] ?? "").split(",").map((s) => Number(s.trim())) : undefined;
}
