import { ModelFileError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { clipByValue, fusedConv2d, maxPoolValid, type FusedConvOptions } from "./direct-kernels.js";

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
 * as direct kernel calls (see direct-kernels.ts), with what TF.js would run
 * as separate kernels fused: a ZeroPadding2D and the valid Conv2D after it
 * become one explicitly padded convolution; each Conv2D takes its bias and a
 * following LeakyReLU into one fused convolution; a `max` with a scalar
 * constant is one ClipByValue (a unary kernel, cheaper on wasm than a
 * broadcast Maximum); poolings and the final reshape are one kernel each.
 * The embedding's layers thus skip `layer.apply`, whose per-call checks cost
 * as much as a small kernel. Steps read the layers' current weights at every
 * call, so they follow fine-tuning. Other layers (a lone activation, anything
 * unknown) run through `layer.apply`; those whose time behaviour is not
 * known are marked `other`.
 */
export function chainSteps(model: tf.LayersModel): ChainStep[] {
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const steps: ChainStep[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const config = layer.getConfig();
    const kind = layer.getClassName();
    const channelsLast = config["dataFormat"] === "channelsLast";
    if (kind === "ZeroPadding2D" && channelsLast) {
      const padding = config["padding"] as [[number, number], [number, number]];
      const conv = layers[i + 1];
      if (conv && isPlainConv(conv) && conv.getConfig()["padding"] === "valid") {
        steps.push(convStep(conv, layers[i + 2], padding));
        i += alphaOf(layers[i + 2]) === undefined ? 1 : 2;
        continue;
      }
      const [[top, bottom], [left, right]] = padding;
      const run = (x: tf.Tensor4D): tf.Tensor4D => tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
      steps.push(top === 0 && bottom === 0 ? { time: "local", run } : { time: "other", run });
    } else if (isPlainConv(layer)) {
      steps.push(convStep(layer, layers[i + 1]));
      if (alphaOf(layers[i + 1]) !== undefined) i++;
    } else if (kind === "OnnxConstantOp" && config["op"] === "max" && layer.weights.length === 1 && layer.weights[0]!.shape.every((d) => d === 1)) {
      const floor = scalarReader(layer.weights[0]!);
      steps.push({ time: "local", run: (x) => clipByValue(x, floor(), Infinity) });
    } else if (kind === "MaxPooling2D" && channelsLast && config["padding"] === "valid") {
      const poolSize = config["poolSize"] as [number, number];
      const strides = config["strides"] as [number, number];
      const run = (x: tf.Tensor4D): tf.Tensor4D => maxPoolValid(x, poolSize, strides);
      const [window] = poolSize;
      const [stride] = strides;
      steps.push(window === 1 && stride === 1 ? { time: "local", run } : { time: "pool", window, stride, run });
    } else if (kind === "Reshape" && i === layers.length - 1) {
      // The final reshape of sequenceNetwork only folds the unit frequency axis.
      const target = (config["targetShape"] as (number | null)[]).map((d) => d ?? -1);
      steps.push({ time: "local", run: (x) => tf.reshape(x, [x.shape[0], ...target]) as unknown as tf.Tensor4D });
    } else if (kind === "LeakyReLU" || kind === "ReLU" || kind === "Activation") {
      steps.push({ time: "local", run: (x) => layer.apply(x) as tf.Tensor4D });
    } else {
      steps.push({ time: "other", run: (x) => layer.apply(x) as tf.Tensor4D });
    }
  }
  return steps;
}

function isPlainConv(layer: tf.layers.Layer): boolean {
  const config = layer.getConfig();
  return layer.getClassName() === "Conv2D" && config["dataFormat"] === "channelsLast" && (config["activation"] ?? "linear") === "linear";
}

function alphaOf(next: tf.layers.Layer | undefined): number | undefined {
  return next?.getClassName() === "LeakyReLU" ? (next.getConfig()["alpha"] as number) : undefined;
}

/** A Conv2D (after an optional zero padding, `padded`) with its bias and a following LeakyReLU as one fused convolution. */
function convStep(layer: tf.layers.Layer, next: tf.layers.Layer | undefined, padded?: [[number, number], [number, number]]): ChainStep {
  const config = layer.getConfig();
  const alpha = alphaOf(next);
  const strides = config["strides"] as [number, number];
  const dilations = config["dilationRate"] as [number, number];
  const [kt] = config["kernelSize"] as [number, number];
  const own = config["padding"] as "valid" | "same";
  const pad: "valid" | "same" | tf.backend_util.ExplicitPadding = padded ? [[0, 0], padded[0], padded[1], [0, 0]] : own;
  const options: FusedConvOptions = { strides, dilations, pad, ...(alpha === undefined ? {} : { leakyreluAlpha: alpha }) };
  const [kernel, bias] = layer.weights;
  const run = (x: tf.Tensor4D): tf.Tensor4D => fusedConv2d(x, kernel!.read(), bias?.read(), options);
  const timePadded = padded !== undefined && (padded[0][0] !== 0 || padded[0][1] !== 0);
  if (kt === 1 && strides[0] === 1 && !timePadded) return { time: "local", run };
  return own === "valid" && !timePadded && strides[0] === 1 && dilations[0] === 1 ? { time: "conv", window: kt, run } : { time: "other", run };
}

/** Reads a one-value weight, again only when it was assigned a new tensor (a kernel attribute must be a number). */
function scalarReader(weight: tf.LayerVariable): () => number {
  let seen: object | undefined;
  let value = 0;
  return () => {
    const tensor = weight.read();
    if (tensor.dataId !== seen) {
      seen = tensor.dataId;
      value = tensor.dataSync()[0]!;
    }
    return value;
  };
}

/** {@link chainSteps} run in order: the whole-input forward pass. Call inside `tf.tidy`. */
export function chainForward(model: tf.LayersModel): (x: tf.Tensor4D) => tf.Tensor {
  const steps = chainSteps(model);
  return (x) => steps.reduce((t, step) => step.run(t), x);
}
