import * as tf from "@tensorflow/tfjs";

/** The lowest float32: padding with it keeps a max pool from ever picking the pad (and stays JSON-safe, unlike -Infinity). */
export const LOWEST_FLOAT32 = -3.4028234663852886e38;

export interface ConstantPadArgs {
  /** [[top, bottom], [left, right]] of a channels-last [n, h, w, c] tensor. */
  padding: [[number, number], [number, number]];
  /** The value written into the border. */
  value: number;
  name?: string;
}

/**
 * Pads height and width of an [n, h, w, c] tensor with a constant (TF.js's ZeroPadding2D only
 * pads zeros). Registered so a saved model loads again once `@graft/onnx` is imported.
 */
export class OnnxConstantPad extends tf.layers.Layer {
  static readonly className = "OnnxConstantPad";
  readonly padding: [[number, number], [number, number]];
  readonly value: number;

  constructor(args: ConstantPadArgs) {
    super({ name: args.name });
    const flat = args.padding.flat();
    if (flat.length !== 4 || !flat.every((p) => Number.isInteger(p) && p >= 0)) {
      throw new TypeError(`OnnxConstantPad: padding must be [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(args.padding)}.`);
    }
    if (!Number.isFinite(args.value)) throw new TypeError(`OnnxConstantPad: value must be a finite number, got ${args.value}.`);
    this.padding = [[...args.padding[0]], [...args.padding[1]]];
    this.value = args.value;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n = null, h = null, w = null, c = null] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [[top, bottom], [left, right]] = this.padding;
    return [n, h === null ? null : h + top + bottom, w === null ? null : w + left + right, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!x) throw new Error("OnnxConstantPad expects one input.");
      return tf.pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]], this.value);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding, value: this.value };
  }
}

tf.serialization.registerClass(OnnxConstantPad, "graft");
