import type * as tf from "@tensorflow/tfjs";

import type { GraftManifest } from "../persist/manifest.js";
import { saveModelDir } from "../persist/model-dir.js";
import type { Json } from "../types.js";
import { formatFreezePolicy } from "./freeze.js";
import type { TransferModel } from "./transfer-model.js";

/** Options of {@link saveTransferModel}. */
export interface SaveOptions {
  /** Evaluation results to record in `graft.json` (e.g. an EvaluationReport). */
  metrics?: Json;
  /** Calibrated decision threshold (binary and multilabel tasks). */
  threshold?: number;
  /** Anything else a plugin or the CLI wants to keep with the model. */
  extra?: Record<string, Json>;
}

/**
 * Writes the whole model (plain TF.js Layers format) and `graft.json` to
 * `dir`, atomically. The manifest records what is needed to predict (task,
 * labels, preprocessing), to transfer again (cut point, provenance, the
 * number of examples it was trained on) and how it was trained (each phase
 * once, with its freeze policy; metrics per epoch).
 */
export function saveTransferModel(transfer: TransferModel, dir: string, options: SaveOptions = {}): Promise<GraftManifest> {
  const { backbone, head } = transfer;
  const featureLayer = (backbone.model.outputLayers[0] as tf.layers.Layer | undefined)?.name ?? "";
  const last = transfer.history.at(-1);
  const trainExamples = transfer.history.reduce((n, h) => Math.max(n, h.trainExamples), 0);
  return saveModelDir(dir, transfer.model, {
    task: transfer.task,
    ...(transfer.preprocessor
      ? { preprocessing: { name: transfer.preprocessor.name, config: transfer.preprocessor.config }, inputSpec: transfer.preprocessor.spec }
      : { inputSpec: backbone.inputSpec }),
    ...(transfer.plugin ? { plugin: { name: transfer.plugin.name, packageName: transfer.plugin.packageName } } : {}),
    backbone: {
      name: backbone.name,
      provenance: backbone.provenance,
      featureLayer,
      layerNames: backbone.model.layers.map((l) => l.name),
    },
    head: { spec: head.spec, layerNames: head.layers.map((l) => l.name) },
    // The policy at creation; each phase records its own once, in `phases`.
    freeze: formatFreezePolicy(transfer.initialFreezePolicy),
    phases: transfer.history.flatMap((h) => h.phases.map((p) => ({ ...p }))),
    schedule: transfer.history.flatMap((h) => h.epochs.map((e) => ({ phase: e.phase, epoch: e.epoch, ...e.metrics }))) as Json,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    extra: { trainExamples, ...(last?.stopped ? { stopped: last.stopped } : {}), ...options.extra },
  });
}
