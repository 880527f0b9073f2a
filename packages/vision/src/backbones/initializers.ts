import * as tf from "@tensorflow/tfjs";

/** A TF.js weight initialiser (tfjs-layers does not export the class type). */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Keras' default kernel initialiser (Glorot uniform). With a seed, layer `i`
 * gets `seed + i`, so two builds with the same seed start from identical weights.
 */
export function convInitializer(seed: number | undefined, index: number): Initializer {
  return tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + index });
}
