// The streaming embedding's steps as graft built them before they called
// kernels directly (op wrappers, layer.apply for poolings and the final
// reshape, a scalar Maximum after each activation): the bench runs them
// beside the current ones, in the same process, to measure the difference.
import * as tf from "@tensorflow/tfjs";

import type { ChainStep } from "../src/speech-embedding/embedding-network.js";

/**
 * The previous inference steps of `model` (a single chain, equal to `model.predict`)
 * with what TF.js runs as separate kernels fused: each Conv2D with its bias
 * and a following LeakyReLU becomes one fused convolution, and a `max` with a
 * scalar constant one `maximum`. Steps read the layers' current weights at
 * every call, so they follow fine-tuning. Other layers run through
 * `layer.apply`; those whose time behaviour is not known are marked `other`.
 */
export function previousChainSteps(model: tf.LayersModel): ChainStep[] {
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
