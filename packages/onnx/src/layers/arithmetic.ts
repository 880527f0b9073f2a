import * as tf from "@tensorflow/tfjs";

/** The element-wise operations TF.js has no standard layer for. */
export type ArithmeticOp = "add" | "sub" | "mul" | "div" | "max" | "min" | "pow";

export const ARITHMETIC_OPS: readonly ArithmeticOp[] = ["add", "sub", "mul", "div", "max", "min", "pow"];

export function arithmetic(op: ArithmeticOp, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  switch (op) {
    case "add":
      return tf.add(a, b);
    case "sub":
      return tf.sub(a, b);
    case "mul":
      return tf.mul(a, b);
    case "div":
      return tf.div(a, b);
    case "max":
      return tf.maximum(a, b);
    case "min":
      return tf.minimum(a, b);
    case "pow":
      return tf.pow(a, b);
  }
}

/** NumPy broadcasting of two shapes (null = unknown batch). */
export function broadcastShapes(a: (number | null)[], b: (number | null)[]): (number | null)[] {
  const rank = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < rank; i++) {
    const ia = a.length - rank + i;
    const ib = b.length - rank + i;
    const x = ia >= 0 ? (a[ia] ?? null) : 1;
    const y = ib >= 0 ? (b[ib] ?? null) : 1;
    out.push(x === 1 ? y : y === 1 ? x : x === null || y === null ? null : Math.max(x, y));
  }
  return out;
}

export interface ConstantOpArgs {
  op: ArithmeticOp;
  /** Shape of the constant without the batch axis, broadcast against the input's trailing axes. */
  constantShape: number[];
  /** Compute `constant op x` instead of `x op constant` (for sub, div, pow). */
  constantFirst?: boolean;
  name?: string;
}

/**
 * `x op constant` with the constant saved as a non-trainable weight, so the layer survives
 * `model.save` / `tf.loadLayersModel` (once `@graft/onnx` is imported, which registers it).
 */
export class OnnxConstantOp extends tf.layers.Layer {
  static readonly className = "OnnxConstantOp";
  readonly op: ArithmeticOp;
  readonly constantShape: number[];
  readonly constantFirst: boolean;
  private constant: tf.LayerVariable | undefined;

  constructor(args: ConstantOpArgs) {
    super({ name: args.name });
    if (!ARITHMETIC_OPS.includes(args.op)) throw new TypeError(`OnnxConstantOp: op "${args.op}" is not one of ${ARITHMETIC_OPS.join(", ")}.`);
    this.op = args.op;
    this.constantShape = [...args.constantShape];
    this.constantFirst = args.constantFirst ?? false;
  }

  override build(): void {
    this.constant = this.addWeight("constant", this.constantShape, "float32", tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return broadcastShapes(shape, this.constantShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!x || !this.constant) throw new Error("OnnxConstantOp called before it was built.");
      const c = this.constant.read();
      return this.constantFirst ? arithmetic(this.op, c, x) : arithmetic(this.op, x, c);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op, constantShape: this.constantShape, constantFirst: this.constantFirst };
  }
}

/** `a op b` between two tensors, for the ops without a TF.js merge layer (sub, div, pow). */
export class OnnxBinaryOp extends tf.layers.Layer {
  static readonly className = "OnnxBinaryOp";
  readonly op: ArithmeticOp;

  constructor(args: { op: ArithmeticOp; name?: string }) {
    super({ name: args.name });
    if (!ARITHMETIC_OPS.includes(args.op)) throw new TypeError(`OnnxBinaryOp: op "${args.op}" is not one of ${ARITHMETIC_OPS.join(", ")}.`);
    this.op = args.op;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [a = [], b = []] = inputShape as tf.Shape[];
    return broadcastShapes(a, b);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [a, b] = inputs as tf.Tensor[];
      if (!a || !b) throw new Error("OnnxBinaryOp expects two inputs.");
      return arithmetic(this.op, a, b);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op };
  }
}

tf.serialization.registerClass(OnnxConstantOp, "graft");
tf.serialization.registerClass(OnnxBinaryOp, "graft");
