import * as tf from "@tensorflow/tfjs";

import type { ManifestInput } from "../model-dir.js";

/** A tiny dense + batch-norm model with non-trivial moving statistics. */
export function tinyModel(seed: number): tf.LayersModel {
  const model = tf.sequential({ name: `tiny_${seed}` });
  model.add(
    tf.layers.dense({
      inputShape: [4],
      units: 6,
      name: "dense_a",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(tf.layers.batchNormalization({ name: "bn_a" }));
  model.add(
    tf.layers.dense({
      units: 3,
      activation: "softmax",
      name: "out",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  // Give BN statistics non-default values, so a load that drops them would show.
  const bn = model.getLayer("bn_a");
  // setWeights copies; getWeights would hand back the live variables, which must not be disposed.
  const stats = [
    tf.fill([6], 1.5),
    tf.fill([6], -0.25 * seed),
    tf.linspace(-1, 1, 6),
    tf.fill([6], 2 + seed),
  ];
  bn.setWeights(stats);
  for (const t of stats) t.dispose();
  return model;
}

/** A fixed input batch for comparing predictions. */
export function probeInput(): tf.Tensor2D {
  return tf.tensor2d([
    [0.1, -0.2, 0.3, 0.9],
    [1.5, 0.0, -1.1, 0.2],
  ]);
}

/** Predictions of `model` on {@link probeInput}, as plain numbers. */
export function predictProbe(model: tf.LayersModel): Float32Array {
  return tf.tidy(() => (model.predict(probeInput()) as tf.Tensor).dataSync() as Float32Array);
}

/** A valid manifest for {@link tinyModel}. */
export function tinyManifest(): ManifestInput {
  return {
    task: { kind: "multiclass", labels: ["a", "b", "c"] },
    inputSpec: { kind: "tensor", shape: [4] },
    backbone: {
      name: "tiny",
      provenance: { task: "none" },
      featureLayer: "bn_a",
      layerNames: ["dense_a", "bn_a"],
    },
    head: { spec: { kind: "dense", units: [] }, layerNames: ["out"] },
    threshold: 0.5,
  };
}
