import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describeSpec, readManifest, type InputSpec } from "@graft/core";

import { BUILTIN_BACKBONES, sourceKind } from "../source.js";
import type { CliPlugin } from "../plugins/types.js";
import type { RuleResult } from "./types.js";

/** What kind of input the source model takes, read without loading its weights. */
export async function sourceInput(
  from: string | undefined,
  backbone: string | undefined,
): Promise<{ kind: InputSpec["kind"]; spec?: InputSpec; plugin?: string; text: string }> {
  if (backbone && backbone in BUILTIN_BACKBONES) {
    const spec: InputSpec = {
      kind: "image",
      height: 224,
      width: 224,
      channels: 3,
      normalization: "unit",
    };
    return { kind: "image", spec, plugin: "vision", text: describeSpec(spec) };
  }
  if (!from) return { kind: "tensor", text: "unknown" };
  const { kind, dir } = await sourceKind(from);
  if (kind === "graft") {
    const manifest = await readManifest(dir);
    const spec = manifest.inputSpec;
    const k =
      spec?.kind ??
      (manifest.plugin?.name === "audio"
        ? "audio"
        : manifest.plugin?.name === "vision"
          ? "image"
          : "tensor");
    return {
      kind: k,
      ...(spec ? { spec } : {}),
      ...(manifest.plugin ? { plugin: manifest.plugin.name } : {}),
      text: spec ? describeSpec(spec) : k,
    };
  }
  const json = existsSync(path.join(dir, "model.json"))
    ? (JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8")) as {
        modelTopology?: unknown;
      })
    : {};
  const shape = findInputShape(json.modelTopology);
  const spec: InputSpec = { kind: "tensor", shape: shape ?? [] };
  const image = shape?.length === 3 && shape[2] === 3;
  return {
    kind: image ? "image" : "tensor",
    spec,
    ...(image ? { plugin: "vision" } : {}),
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
  const bText = b === "image" ? "images (@graft/vision)" : "audio clips (@graft/audio)";
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
      summary: `A takes ${source.kind === "audio" ? "audio features" : "images"} (${source.text}); B is ${bText}: no adapter turns ${b === "image" ? "images into audio features" : "sound into images"}`,
      details: { a: source.text, aKind: source.kind, b },
    };
  }
  return {
    rule: 1,
    title,
    status: "pass",
    summary: `A takes ${source.text}; B is ${bText}; adapter: ${adapter(source.spec)}`,
    details: { a: source.text, b, adapter: adapter(source.spec) },
  };
}

function adapter(spec: InputSpec | undefined): string {
  if (spec?.kind === "image")
    return `decode, resize (cover) to ${spec.height}×${spec.width}, ${spec.channels === 1 ? "convert to grayscale" : "replicate grayscale to 3 channels"}, scale ${spec.normalization}`;
  if (spec?.kind === "audio")
    return `decode, resample to ${spec.sampleRate} Hz, recompute A's ${spec.feature} features (${spec.bands} × ${spec.frames})`;
  return "none";
}

function findInputShape(topology: unknown): number[] | undefined {
  // Keras/TF.js topology: the first InputLayer's batch_input_shape (or batch_shape), minus the batch axis.
  const seen = JSON.stringify(topology ?? {});
  const match =
    /"(?:batch_input_shape|batch_shape|batchInputShape)":\s*\[\s*null\s*,([^\]]*)\]/.exec(seen);
  return match ? (match[1] ?? "").split(",").map((s) => Number(s.trim())) : undefined;
}
