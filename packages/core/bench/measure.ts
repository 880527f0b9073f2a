import * as tf from "@tensorflow/tfjs";

import type { BenchNetwork } from "./networks.js";

/** Inputs and labels of one synthetic batch, made on the active backend. */
export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor2D;
}

/** Makes a reproducible random batch for `net` on the active backend. */
export function makeBatch(net: BenchNetwork, batch = net.batch): Batch {
  return tf.tidy(() => ({
    x: tf.randomUniform([batch, ...net.inputShape], 0, 1, "float32", 1) as tf.Tensor4D,
    y: tf.oneHot(
      tf.randomUniform([batch], 0, net.classes, "int32", 2) as tf.Tensor1D,
      net.classes,
    ) as tf.Tensor2D,
  }));
}

/** One SGD training step (forward, softmax cross-entropy, backward, update) that waits for the result. */
export function makeStep(model: tf.LayersModel, optimizer: tf.Optimizer): (batch: Batch) => number {
  return ({ x, y }) => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    if (!loss) throw new Error("optimizer.minimize returned no loss");
    const value = loss.dataSync()[0] ?? Number.NaN;
    loss.dispose();
    return value;
  };
}

/** Median wall time and median CPU time of this process, in ms. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** Times `run` over `times` calls. */
export function medianMs(times: number, run: () => void): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(startCpu);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** The median of `samples` (sorts them). */
export function median(samples: number[]): number {
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  return samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
}

/**
 * Median training-step times of `net` on the active backend, after `warmup`
 * untimed steps; `batch` overrides the network's batch size (used to
 * estimate a slow backend's cost from a batch of one).
 */
export function timeTrainStep(
  net: BenchNetwork,
  steps: number,
  warmup: number,
  batch = net.batch,
): Timing {
  const model = net.build();
  const optimizer = tf.train.sgd(0.01);
  const step = makeStep(model, optimizer);
  const data = makeBatch(net, batch);
  for (let i = 0; i < warmup; i++) step(data);
  const ms = medianMs(steps, () => step(data));
  tf.dispose([data.x, data.y]);
  optimizer.dispose();
  model.dispose();
  return ms;
}
