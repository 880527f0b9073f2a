import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import type { GraftManifest } from "../persist/manifest.js";
import { loadModelDir } from "../persist/model-dir.js";
import type { DomainPlugin, Preprocessor, Task } from "../types.js";

/** One prediction: the top label and every label's score. */
export interface Prediction {
  readonly label: string;
  readonly score: number;
  readonly scores: Readonly<Record<string, number>>;
}

/** A saved model, ready to predict. */
export interface Predictor {
  readonly model: tf.LayersModel;
  readonly manifest: GraftManifest;
  readonly task: Task;
  /** Restored from `graft.json` when the model's plugin was passed to {@link loadPredictor}. */
  readonly preprocessor: Preprocessor | undefined;
  /** Decision threshold for binary/multilabel tasks: the calibrated one if saved, else 0.5. */
  readonly threshold: number;
  /** Probabilities for a batch of preprocessed inputs. The caller owns the tensor. */
  predict(x: tf.Tensor): tf.Tensor;
  /** Preprocesses raw inputs (file paths, buffers, samples) and predicts. Needs the plugin. */
  predictRaw(raws: readonly unknown[]): Promise<Prediction[]>;
  dispose(): void;
}

/** Options of {@link loadPredictor}. */
export interface LoadPredictorOptions {
  /** Plugins that may have made the model (e.g. `[vision]`); the one named in `graft.json` restores preprocessing. */
  plugins?: readonly Pick<DomainPlugin, "name" | "packageName" | "restorePreprocessor">[];
}

/** Loads a directory written by `TransferModel.save` and returns a predictor. */
export async function loadPredictor(dir: string, options: LoadPredictorOptions = {}): Promise<Predictor> {
  const { model, manifest } = await loadModelDir(dir);
  const plugin = manifest.plugin ? options.plugins?.find((p) => p.name === manifest.plugin?.name) : undefined;
  const preprocessor = plugin && manifest.preprocessing ? plugin.restorePreprocessor(manifest.preprocessing.config) : undefined;
  const task = manifest.task;
  const threshold = manifest.threshold ?? 0.5;
  return {
    model,
    manifest,
    task,
    preprocessor,
    threshold,
    predict: (x) => model.predict(x) as tf.Tensor,
    async predictRaw(raws) {
      if (!preprocessor) {
        const pkg = manifest.plugin?.packageName;
        throw new ConfigError(`This model needs its plugin to turn raw inputs into tensors.`, {
          fix: pkg ? `import { ${manifest.plugin?.name} } from "${pkg}" and pass loadPredictor(dir, { plugins: [${manifest.plugin?.name}] })` : "call predict() with preprocessed tensors",
        });
      }
      const x = await preprocessor.process(raws);
      const probs = tf.tidy(() => model.predict(x) as tf.Tensor);
      x.dispose();
      const rows = (await probs.array()) as number[][];
      probs.dispose();
      return rows.map((row) => toPrediction(task, row, threshold));
    },
    dispose: () => model.dispose(),
  };
}

/** Turns one row of probabilities into a labelled prediction. */
export function toPrediction(task: Task, row: readonly number[], threshold = 0.5): Prediction {
  if (task.kind === "binary") {
    const p = row[0] ?? 0;
    const [negative, positive] = task.labels;
    return { label: p >= threshold ? positive : negative, score: p >= threshold ? p : 1 - p, scores: { [negative]: 1 - p, [positive]: p } };
  }
  const scores = Object.fromEntries(task.labels.map((l, i) => [l, row[i] ?? 0]));
  if (task.kind === "multilabel") {
    const on = task.labels.filter((_, i) => (row[i] ?? 0) >= threshold);
    return { label: on.join(","), score: Math.max(...row), scores };
  }
  let best = 0;
  row.forEach((p, i) => {
    if (p > (row[best] ?? -Infinity)) best = i;
  });
  return { label: task.labels[best] ?? "", score: row[best] ?? 0, scores };
}
