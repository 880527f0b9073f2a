import * as tf from "@tensorflow/tfjs";

/** How a spatial MIL head turns its per-location logits into one logit per image. */
export type MilPooling = "max" | "lse" | "topk";

/** Options of {@link MilPooling2D}. */
export interface MilPoolingArgs {
  pooling: MilPooling;
  /** Sharpness of `lse`: (1/r)·log(mean(exp(r·s))) goes from the mean (r → 0) to the max (r → ∞). */
  r: number;
  /** Share of the locations `topk` averages (at least one location). */
  topFraction: number;
  name?: string;
}

/**
 * Pools a `[batch, height, width, channels]` map of per-location logits over
 * height and width into `[batch, channels]`: global max, log-sum-exp (a
 * smooth max) or the mean of the highest `topFraction` of locations. A
 * multiple-instance pooling: an image scores high when some location does.
 * Registered, so a saved model with it loads again once `@graft/vision` is
 * imported.
 */
export class MilPooling2D extends tf.layers.Layer {
  static readonly className = "GraftMilPooling2D";
  readonly pooling: MilPooling;
  readonly r: number;
  readonly topFraction: number;

  constructor(args: MilPoolingArgs) {
    super({ name: args.name });
    if (!["max", "lse", "topk"].includes(args.pooling))
      throw new TypeError(`MilPooling2D: pooling must be max, lse or topk, got ${String(args.pooling)}.`);
    if (!(args.r > 0)) throw new TypeError(`MilPooling2D: r must be positive, got ${args.r}.`);
    if (!(args.topFraction > 0 && args.topFraction <= 1))
      throw new TypeError(`MilPooling2D: topFraction must be in (0, 1], got ${args.topFraction}.`);
    this.pooling = args.pooling;
    this.r = args.r;
    this.topFraction = args.topFraction;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, shape[shape.length - 1] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!x || x.rank !== 4) throw new TypeError("MilPooling2D expects one [batch, h, w, c] input.");
      const [b, h, w, c] = x.shape as [number, number, number, number];
      // [batch·channels, locations]: each row is one image's map of one logit.
      const rows = x.reshape([b, h * w, c]).transpose([0, 2, 1]).reshape([b * c, h * w]) as tf.Tensor2D;
      return poolRows(rows, this.pooling, this.r, this.topFraction).reshape([b, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pooling: this.pooling, r: this.r, topFraction: this.topFraction };
  }
}

tf.serialization.registerClass(MilPooling2D, "graft");

/** One value per row of `rows` ([n, locations]). */
export function poolRows(rows: tf.Tensor2D, pooling: MilPooling, r: number, topFraction: number): tf.Tensor1D {
  if (pooling === "max") return rows.max(1);
  const locations = rows.shape[1];
  if (pooling === "lse") return rows.mul(r).logSumExp(1).sub(Math.log(locations)).div(r);
  return topMean(rows, Math.max(1, Math.round(topFraction * locations)));
}

/**
 * Mean of the k highest values of each row; the gradient goes to those
 * locations only (tf.js has no gradient for TopK itself).
 */
function topMean(rows: tf.Tensor2D, k: number): tf.Tensor1D {
  const op = tf.customGrad((x, saveArg) => {
    const s = x as tf.Tensor2D;
    const save = saveArg as tf.GradSaveFunc;
    const kth = tf.topk(s, k).values.min(1, true);
    const mask = s.greaterEqual(kth).toFloat();
    const weights = mask.div(mask.sum(1, true));
    save([weights]);
    return {
      value: s.mul(weights).sum(1),
      gradFunc: (dy, saved) => (dy as tf.Tensor).expandDims(1).mul(saved[0] as tf.Tensor),
    };
  });
  return op(rows) as tf.Tensor1D;
}
