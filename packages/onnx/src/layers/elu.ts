import * as tf from "@tensorflow/tfjs";

export interface EluArgs {
  /** Scale of the negative part: alpha · (exp(x) − 1) for x < 0. */
  alpha: number;
  name?: string;
}

/**
 * ELU with any alpha (TF.js's `tf.layers.elu` only implements alpha = 1). Registered so a
 * saved model loads again once `@graft/onnx` is imported.
 */
export class OnnxElu extends tf.layers.Layer {
  static readonly className = "OnnxElu";
  readonly alpha: number;

  constructor(args: EluArgs) {
    super({ name: args.name });
    if (!Number.isFinite(args.alpha)) throw new TypeError(`OnnxElu: alpha must be a finite number, got ${args.alpha}.`);
    this.alpha = args.alpha;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!x) throw new Error("OnnxElu expects one input.");
      // exp of min(x, 0) never overflows, so the gradient stays finite for large x.
      return tf.add(tf.relu(x), tf.mul(this.alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

tf.serialization.registerClass(OnnxElu, "graft");
