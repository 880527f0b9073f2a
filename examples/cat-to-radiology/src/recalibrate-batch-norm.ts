import type { Dataset } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/**
 * Re-estimates the moving mean and variance of every trainable batch-norm
 * layer of `model` from `data` (training examples only), after training.
 *
 * Why: a short run on few images changes the weights faster than the moving
 * averages follow, so the statistics used at prediction time describe an
 * older network; a model that is right in training mode then predicts one
 * class in inference mode. One pass in training mode, with each layer's
 * momentum set so the averages become the plain mean over the batches, fixes
 * that (no weights change; frozen layers are left alone).
 */
export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  data: Dataset,
  batchSize = 32,
): Promise<number> {
  const layers = model.layers.filter(
    (l) => l.trainable && l.getClassName() === "BatchNormalization",
  );
  if (layers.length === 0) return 0;
  const settable = layers as unknown as { momentum: number }[];
  const saved = settable.map((l) => l.momentum);
  try {
    let batches = 0;
    for (let start = 0; start < data.size; start += batchSize) {
      const indices = Array.from(
        { length: Math.min(batchSize, data.size - start) },
        (_, i) => start + i,
      );
      const x = await data.batch(indices);
      batches++;
      // momentum m keeps m of the old average: 1 - 1/k turns k updates into a running mean.
      for (const l of settable) l.momentum = 1 - 1 / batches;
      tf.tidy(() => {
        model.apply(x, { training: true });
      });
      x.dispose();
    }
  } finally {
    settable.forEach((l, i) => (l.momentum = saved[i] ?? 0.99));
  }
  return layers.length;
}
