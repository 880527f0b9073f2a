import { loadModelDir } from "../persist/model-dir.js";
import type { Backbone, Pooling } from "../types.js";
import { cutBackbone } from "./cut-backbone.js";

/** Options of {@link loadBackbone}. */
export interface LoadBackboneOptions {
  /** Layer to cut at. @default the saved model's cut point (its backbone's output) */
  at?: string;
  /** Cut before the last N layers instead of at a named layer. */
  dropLast?: number;
  /** @default "none" */
  pooling?: Pooling;
}

/**
 * Loads a model saved by graft (e.g. after pre-training on task A) and cuts it
 * into a backbone for task B. Provenance carries over: what task A was and
 * how many examples it had (m_A), so `advise` can compare m_A with m_B.
 */
export async function loadBackbone(dir: string, options: LoadBackboneOptions = {}): Promise<Backbone> {
  const { model, manifest } = await loadModelDir(dir);
  const examples = manifest.extra?.["trainExamples"];
  const taskA = `${manifest.task.kind} over ${manifest.task.labels.length} labels (${manifest.task.labels.slice(0, 5).join(", ")}${manifest.task.labels.length > 5 ? ", …" : ""})`;
  return cutBackbone(model, {
    ...(options.dropLast === undefined ? { at: options.at ?? manifest.backbone.featureLayer } : { dropLast: options.dropLast }),
    pooling: options.pooling ?? "none",
    name: manifest.backbone.name,
    ...(manifest.inputSpec ? { inputSpec: manifest.inputSpec } : {}),
    provenance: {
      ...manifest.backbone.provenance,
      task: taskA,
      ...(typeof examples === "number" ? { examples } : {}),
      source: dir,
    },
  });
}
