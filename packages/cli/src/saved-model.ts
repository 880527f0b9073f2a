import {
  collectBatches,
  loadPredictor,
  readManifest,
  type Dataset,
  type Predictor,
} from "@graft/core";
import type * as tf from "@tensorflow/tfjs";

import { UsageError } from "./errors.js";
import { registerOnnxLayersFor } from "./onnx-layers.js";
import { pluginForManifest } from "./plugins/index.js";
import type { CliPlugin } from "./plugins/types.js";

/** A saved graft model with its plugin and preprocessor, ready for evaluate/predict/listen/report. */
export interface SavedModel {
  readonly predictor: Predictor;
  readonly plugin: CliPlugin;
}

/** Loads a directory saved by graft; the plugin comes from graft.json or `--plugin`. */
export async function loadSavedModel(dir: string, pluginFlag?: string): Promise<SavedModel> {
  const manifest = await readManifest(dir);
  const plugin = await pluginForManifest(manifest, pluginFlag);
  await registerOnnxLayersFor(dir);
  const predictor = await loadPredictor(dir, { plugins: [plugin.plugin] });
  if (!predictor.preprocessor) {
    predictor.dispose();
    throw new UsageError(
      `${dir}: graft.json holds no ${plugin.plugin.name} preprocessing, so raw files cannot be fed to it.`,
      "transfer the model again with the graft CLI, or predict from code with tensors",
    );
  }
  return { predictor, plugin };
}

/** Probability rows for every example of `data`. */
export async function probabilityRows(
  model: tf.LayersModel,
  data: Dataset,
  batchSize = 32,
): Promise<number[][]> {
  const probs = await collectBatches(data, batchSize, (x) => model.predict(x) as tf.Tensor);
  const rows = (await probs.array()) as number[][];
  probs.dispose();
  return rows;
}
