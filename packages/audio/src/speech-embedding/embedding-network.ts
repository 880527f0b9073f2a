import { ModelFileError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/**
 * The imported embedding network (`[76, 32, 1]` mel frames → one 96-d
 * embedding) re-applied, layer by layer and sharing its weights, to an input
 * of `frames` mel frames (`null`: any length). Every time-axis operation of
 * the network is a valid convolution or pooling with a total stride of 8
 * frames, so this one call yields the embeddings of every 76-frame window
 * 8 frames apart: `[n, windows, 96]`, each equal to the single-window network
 * on its slice, with ~8× less arithmetic than running windows one by one.
 * Reshapes that only add or drop unit axes are skipped; the output is
 * reshaped to `[windows, 96]` at the end.
 */
export function sequenceNetwork(single: tf.LayersModel, frames: number | null, name: string): tf.LayersModel {
  const [, , bands, channels] = single.inputs[0]!.shape as [null, number, number, number];
  const input = tf.input({ shape: [frames, bands, channels], name: `${name}_input` });
  let x: tf.SymbolicTensor = input;
  for (const layer of single.layers) {
    if (layer instanceof tf.layers.Layer && layer.getClassName() === "InputLayer") continue;
    // The first inbound node is the imported graph's own; later ones are earlier re-applications.
    const node = layer.inboundNodes[0];
    if (!node || node.inputTensors.length !== 1 || node.outputTensors.length !== 1) {
      throw new ModelFileError(`embedding network: layer ${layer.name} is not part of a single chain; the imported graph is not the one graft reads.`);
    }
    if (layer.getClassName() === "Reshape" && unitAxesOnly(node.inputTensors[0]!.shape, node.outputTensors[0]!.shape)) continue;
    x = layer.apply(x) as tf.SymbolicTensor;
  }
  const [, , freq, dims] = x.shape as [null, number | null, number, number];
  if (freq !== 1) throw new ModelFileError(`embedding network: expected [time, 1, dims] before the final reshape, got [${x.shape.slice(1).join(", ")}].`);
  const windows = frames === null ? -1 : (x.shape[1] as number);
  const output = tf.layers.reshape({ name: `${name}_sequence`, targetShape: [windows, dims] }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name });
}

function unitAxesOnly(from: tf.Shape, to: tf.Shape): boolean {
  const a = from.slice(1).filter((d) => d !== 1);
  const b = to.slice(1).filter((d) => d !== 1);
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** One step of {@link chainForward}: a tensor in, a tensor out. */
type Step = (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * An inference-only forward pass over the layers of `model` (a single chain),
 * equal to `model.predict` but fusing what TF.js runs as separate kernels:
 * each Conv2D with its bias and a following LeakyReLU becomes one fused
 * convolution, and a `max` with a scalar constant becomes one clip. Reads the
 * layers' current weights at every call, so it follows fine-tuning.
 * Layers it does not know run through `layer.apply`. Call inside `tf.tidy`.
 */
export function chainForward(model: tf.LayersModel): (x: tf.Tensor4D) => tf.Tensor {
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const steps: Step[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const config = layer.getConfig();
    const kind = layer.getClassName();
    if (kind === "Conv2D" && config["dataFormat"] === "channelsLast" && (config["activation"] ?? "linear") === "linear") {
      const next = layers[i + 1];
      const alpha = next?.getClassName() === "LeakyReLU" ? (next.getConfig()["alpha"] as number) : undefined;
      if (alpha !== undefined) i++;
      const strides = config["strides"] as [number, number];
      const dilations = config["dilationRate"] as [number, number];
      const pad = config["padding"] as "valid" | "same";
      steps.push((x) => {
        const [kernel, bias] = layer.weights.map((w) => w.read());
        return tf.fused.conv2d({
          x,
          filter: kernel as tf.Tensor4D,
          strides,
          pad,
          dilations,
          ...(bias ? { bias } : {}),
          ...(alpha === undefined ? {} : { activation: "leakyrelu" as const, leakyreluAlpha: alpha }),
        });
      });
    } else if (kind === "OnnxConstantOp" && config["op"] === "max" && layer.weights.length === 1 && layer.weights[0]!.shape.every((d) => d === 1)) {
      steps.push((x) => tf.maximum(x, layer.weights[0]!.read().reshape([])));
    } else if (kind === "ZeroPadding2D" && config["dataFormat"] === "channelsLast") {
      const [[top, bottom], [left, right]] = config["padding"] as [[number, number], [number, number]];
      steps.push((x) => tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]));
    } else {
      steps.push((x) => layer.apply(x) as tf.Tensor4D);
    }
  }
  return (x) => steps.reduce((t, step) => step(t), x);
}
