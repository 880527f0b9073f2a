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

/**
 * One layer (or fused pair) of the chain, with what a stream must know about
 * its time axis: a valid convolution reads `window` frames per output frame,
 * a pooling consumes `stride` frames per output frame, `local` maps each
 * frame on its own.
 */
export type ChainStep =
  | { readonly time: "conv"; readonly window: number; readonly run: (x: tf.Tensor4D) => tf.Tensor4D }
  | { readonly time: "pool"; readonly window: number; readonly stride: number; readonly run: (x: tf.Tensor4D) => tf.Tensor4D }
  | { readonly time: "local"; readonly run: (x: tf.Tensor4D) => tf.Tensor4D }
  | { readonly time: "other"; readonly run: (x: tf.Tensor4D) => tf.Tensor4D };

/**
 * The inference steps of `model` (a single chain, equal to `model.predict`)
 * with what TF.js runs as separate kernels fused: each Conv2D with its bias
 * and a following LeakyReLU becomes one fused convolution, and a `max` with a
 * scalar constant one `maximum`. Steps read the layers' current weights at
 * every call, so they follow fine-tuning. Other layers run through
 * `layer.apply`; those whose time behaviour is not known are marked `other`.
 */
export function chainSteps(model: tf.LayersModel): ChainStep[] {
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const steps: ChainStep[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const config = layer.getConfig();
    const kind = layer.getClassName();
    const channelsLast = config["dataFormat"] === "channelsLast";
    if (kind === "Conv2D" && channelsLast && (config["activation"] ?? "linear") === "linear") {
      const next = layers[i + 1];
      const alpha = next?.getClassName() === "LeakyReLU" ? (next.getConfig()["alpha"] as number) : undefined;
      if (alpha !== undefined) i++;
      const strides = config["strides"] as [number, number];
      const dilations = config["dilationRate"] as [number, number];
      const [kt] = config["kernelSize"] as [number, number];
      const pad = config["padding"] as "valid" | "same";
      const run = (x: tf.Tensor4D): tf.Tensor4D => {
        const [kernel, bias] = layer.weights.map((w) => w.read());
        const activation = alpha === undefined ? {} : { activation: "leakyrelu" as const, leakyreluAlpha: alpha };
        return tf.fused.conv2d({ x, filter: kernel as tf.Tensor4D, strides, pad, dilations, ...(bias ? { bias } : {}), ...activation });
      };
      const timeLocal = kt === 1 && strides[0] === 1;
      steps.push(timeLocal ? { time: "local", run } : pad === "valid" && strides[0] === 1 && dilations[0] === 1 ? { time: "conv", window: kt, run } : { time: "other", run });
    } else if (kind === "OnnxConstantOp" && config["op"] === "max" && layer.weights.length === 1 && layer.weights[0]!.shape.every((d) => d === 1)) {
      steps.push({ time: "local", run: (x) => tf.maximum(x, layer.weights[0]!.read().reshape([])) });
    } else if (kind === "ZeroPadding2D" && channelsLast) {
      const [[top, bottom], [left, right]] = config["padding"] as [[number, number], [number, number]];
      const run = (x: tf.Tensor4D): tf.Tensor4D => tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
      steps.push(top === 0 && bottom === 0 ? { time: "local", run } : { time: "other", run });
    } else if (kind === "MaxPooling2D" && channelsLast && config["padding"] === "valid") {
      const [window] = config["poolSize"] as [number, number];
      const [stride] = config["strides"] as [number, number];
      const run = (x: tf.Tensor4D): tf.Tensor4D => layer.apply(x) as tf.Tensor4D;
      steps.push(window === 1 && stride === 1 ? { time: "local", run } : { time: "pool", window, stride, run });
    } else if ((kind === "Reshape" && i === layers.length - 1) || kind === "LeakyReLU" || kind === "ReLU" || kind === "Activation") {
      // The final reshape of sequenceNetwork only folds the unit frequency axis.
      steps.push({ time: "local", run: (x) => layer.apply(x) as tf.Tensor4D });
    } else {
      steps.push({ time: "other", run: (x) => layer.apply(x) as tf.Tensor4D });
    }
  }
  return steps;
}

/** {@link chainSteps} run in order: the whole-input forward pass. Call inside `tf.tidy`. */
export function chainForward(model: tf.LayersModel): (x: tf.Tensor4D) => tf.Tensor {
  const steps = chainSteps(model);
  return (x) => steps.reduce((t, step) => step.run(t), x);
}
