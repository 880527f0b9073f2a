import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import { readCheckpoint } from "./checkpoint.js";

/**
 * Reads the checkpoint in `dir` and writes its weights into `model` (by
 * name). Undefined when there is none; a ConfigError when it belongs to a
 * run with another schedule, batch size, seed or data size.
 */
export async function resumeFrom<TRecord>(dir: string, model: tf.LayersModel, fingerprint: string) {
  const checkpoint = await readCheckpoint<TRecord>(dir);
  if (!checkpoint) return undefined;
  const saved = new Map(checkpoint.weights.map((w) => [w.name, w.tensor]));
  if (
    checkpoint.state.fingerprint !== fingerprint ||
    model.weights.some((w) => !saved.has(w.originalName))
  ) {
    tf.dispose(
      [...checkpoint.weights, ...Object.values(checkpoint.optimizers).flat()].map((t) => t.tensor),
    );
    throw new ConfigError(
      `The checkpoint in ${dir} belongs to another run (schedule, batch size, seed or data size differ).`,
      {
        fix: "resume with the same options and data, or delete the checkpoint directory to start over",
      },
    );
  }
  for (const w of model.weights) w.write(saved.get(w.originalName) as tf.Tensor);
  return checkpoint;
}
