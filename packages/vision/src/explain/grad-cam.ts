import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/** Options of {@link gradCam}. */
export interface GradCamOptions {
  /** Conv layer whose feature maps are weighted, usually the last one (`out_relu`, `Conv_1`). */
  layerName: string;
  /**
   * Output unit to explain.
   * @default the predicted class (arg max of the model's output)
   */
  classIndex?: number;
}

/**
 * Grad-CAM: which parts of the image raised the score of `classIndex`.
 * The gradients of the score w.r.t. the named layer's output are averaged
 * per channel; the channel-weighted sum of that output, through a ReLU, is
 * upsampled to the input's size and scaled to [0, 1]. Returns `[height, width]`;
 * the caller disposes it. An all-zero map means nothing in the image raised the score.
 */
export async function gradCam(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: GradCamOptions,
): Promise<tf.Tensor2D> {
  const { layerName } = options;
  const x = input.rank === 3 ? input.expandDims(0) : input;
  try {
    if (x.rank !== 4 || x.shape[0] !== 1) {
      throw new ConfigError(
        `gradCam: expected one image, shape [h, w, c] or [1, h, w, c], got [${input.shape.join(", ")}].`,
      );
    }
    const layer = findLayer(model, layerName);
    const classIndex = options.classIndex ?? (await predictedClass(model, x));
    const [height = 0, width = 0] = x.shape.slice(1, 3);
    const { activation, grads } = gradientsAt(model, layer, x, classIndex);
    try {
      return tf.tidy(() => {
        const weights = tf.mean(grads, [1, 2], true);
        const cam = tf.relu(tf.sum(tf.mul(activation, weights), -1, true)) as tf.Tensor4D;
        const up = tf.image.resizeBilinear(cam, [height, width]).squeeze([0, 3]) as tf.Tensor2D;
        const peak = tf.max(up);
        // Guard the all-zero map: 0/0 would give NaN.
        return tf.div(up, tf.maximum(peak, 1e-12)) as tf.Tensor2D;
      });
    } finally {
      tf.dispose([activation, grads]);
    }
  } finally {
    if (x !== input) x.dispose();
  }
}

/**
 * Runs the whole model once with a zero tensor added to `layer`'s output
 * and differentiates the class score w.r.t. that tensor: the gradient w.r.t.
 * the layer's output, valid for any graph (skip connections included),
 * whereas splitting a functional model in two breaks when a residual
 * branch jumps over the layer.
 */
function gradientsAt(
  model: tf.LayersModel,
  layer: tf.layers.Layer,
  x: tf.Tensor,
  classIndex: number,
): { activation: tf.Tensor; grads: tf.Tensor } {
  const toLayer = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const activation = toLayer.predict(x) as tf.Tensor;
  const original = layer.call;
  const score = (delta: tf.Tensor): tf.Scalar => {
    layer.call = (inputs, kwargs) =>
      tf.add(original.call(layer, inputs, kwargs) as tf.Tensor, delta);
    try {
      const y = model.apply(x, { training: false }) as tf.Tensor;
      const units = y.shape[y.shape.length - 1] ?? 0;
      if (classIndex < 0 || classIndex >= units || !Number.isInteger(classIndex)) {
        throw new ConfigError(
          `gradCam: classIndex must be an integer in [0, ${units - 1}], got ${classIndex}.`,
        );
      }
      return tf.squeeze(tf.slice(y.reshape([1, units]), [0, classIndex], [1, 1])) as tf.Scalar;
    } finally {
      layer.call = original;
    }
  };
  const zero = tf.zerosLike(activation);
  try {
    return { activation, grads: tf.grad(score)(zero) };
  } catch (error) {
    activation.dispose();
    throw error;
  } finally {
    zero.dispose();
  }
}

function findLayer(model: tf.LayersModel, layerName: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === layerName);
  if (!layer || spatialOutput(layer) === undefined) {
    const convs = model.layers.filter((l) => spatialOutput(l) !== undefined).map((l) => l.name);
    throw new ConfigError(
      layer
        ? `gradCam: layer "${layerName}" does not output a [h, w, c] feature map.`
        : `gradCam: no layer named "${layerName}".`,
      {
        fix: `use a layer with a spatial output, e.g. ${convs
          .slice(-3)
          .map((n) => `"${n}"`)
          .join(", ")}`,
      },
    );
  }
  return layer;
}

/**
 * The layer's rank-4 output in `model`, if it has one. Layers applied more
 * than once (a transfer model's head is shared with its feature-only twin)
 * have no single `output`; they are never spatial feature maps anyway.
 */
function spatialOutput(layer: tf.layers.Layer): tf.SymbolicTensor | undefined {
  if (layer.inboundNodes.length !== 1) return undefined;
  const output = layer.output;
  return !Array.isArray(output) && output.shape.length === 4 ? output : undefined;
}

async function predictedClass(model: tf.LayersModel, x: tf.Tensor): Promise<number> {
  const arg = tf.tidy(() => {
    const y = model.predict(x) as tf.Tensor;
    return tf.argMax(y.reshape([1, -1]), 1);
  });
  const index = (await arg.data())[0] ?? 0;
  arg.dispose();
  return index;
}
