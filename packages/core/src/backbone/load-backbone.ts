import path from "node:path";

import type * as tf from "@tensorflow/tfjs";

import type { GraftManifest } from "../persist/manifest.js";
import { loadModelDir } from "../persist/model-dir.js";
import type { Backbone, Pooling } from "../types.js";
import { cutBackbone, releaseUnusedLayers } from "./cut-backbone.js";

/** Options of {@link loadBackbone} and {@link cutSavedModel}. */
export interface LoadBackboneOptions {
  /** Layer to cut at. @default the saved model's cut point (its backbone's output) */
  at?: string;
  /** Cut before the last N layers instead of at a named layer. */
  dropLast?: number;
  /** @default "none" */
  pooling?: Pooling | "auto";
}

/**
 * Loads a model saved by graft (e.g. after pre-training on task A) and cuts it
 * into a backbone for task B; the old head's weights are freed. Provenance
 * carries over: what task A was and how many examples it had (m_A), so
 * `advise` can compare m_A with m_B.
 */
export async function loadBackbone(dir: string, options: LoadBackboneOptions = {}): Promise<Backbone> {
  const { model, manifest } = await loadModelDir(dir);
  const backbone = cutSavedModel(model, manifest, dir, options);
  releaseUnusedLayers(model, backbone);
  return backbone;
}

/** Cuts a model loaded with `loadModelDir`, with the provenance its `graft.json` records. */
export function cutSavedModel(
  model: tf.LayersModel,
  manifest: GraftManifest,
  dir: string,
  options: LoadBackboneOptions = {},
): Backbone {
  const examples = manifest.extra?.["trainExamples"];
  const labels = manifest.task.labels;
  const taskA = `${manifest.task.kind} over ${labels.length} labels (${labels.slice(0, 5).join(", ")}${labels.length > 5 ? ", …" : ""})`;
  return cutBackbone(model, {
    ...(options.dropLast === undefined ? { at: options.at ?? manifest.backbone.featureLayer } : { dropLast: options.dropLast }),
    pooling: options.pooling ?? "none",
    name: manifest.backbone.name,
    ...(manifest.inputSpec ? { inputSpec: manifest.inputSpec } : {}),
    provenance: {
      ...manifest.backbone.provenance,
      task: taskA,
      ...(typeof examples === "number" ? { examples } : {}),
      source: path.resolve(dir),
    },
  });
}
