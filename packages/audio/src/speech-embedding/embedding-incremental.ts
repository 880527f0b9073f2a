import { ConfigError } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { concatTime, sliceTime } from "./direct-kernels.js";
import type { ChainStep } from "./embedding-network.js";

/**
 * The embedding network run as a true stream: every valid convolution keeps
 * the last `window − 1` frames of its input and every pooling its unpaired
 * frame, so each push of mel frames costs only the new outputs of each layer
 * (about 8× less arithmetic than re-running a 76-frame window every 80 ms).
 * The outputs are the frames the whole-input pass produces, in order.
 */
export class IncrementalNetwork {
  private readonly tails: (tf.Tensor4D | undefined)[];

  constructor(
    private readonly steps: readonly ChainStep[],
    private readonly bands: number,
  ) {
    const other = steps.findIndex((s) => s.time === "other");
    if (other >= 0) throw new ConfigError(`IncrementalNetwork: step ${other + 1} has no known time behaviour; use the whole-input pass.`);
    this.tails = steps.map(() => undefined);
  }

  /** Runs `frames` new mel frames (`frames × bands`); returns the new output rows (row-major). */
  push(values: Float32Array, frames: number): Float32Array {
    if (frames === 0) return new Float32Array(0);
    const out = tf.tidy(() => {
      let x: tf.Tensor4D | undefined = tf.tensor4d(values, [1, frames, this.bands, 1]);
      for (let i = 0; i < this.steps.length && x; i++) x = this.advance(i, x);
      return x;
    });
    if (!out) return new Float32Array(0);
    // Read after tidy: a typed array returned from tidy is walked element by element (see tidyValues).
    try {
      return out.dataSync() as Float32Array;
    } finally {
      out.dispose();
    }
  }

  /** Frees the held frames. */
  dispose(): void {
    for (const t of this.tails) t?.dispose();
    this.tails.fill(undefined);
  }

  private advance(i: number, fresh: tf.Tensor4D): tf.Tensor4D | undefined {
    const step = this.steps[i]!;
    if (step.time === "local" || step.time === "other") return step.run(fresh);
    const held = this.tails[i];
    const input = held ? concatTime(held, fresh) : fresh;
    const length = input.shape[1];
    let used: number;
    let keepFrom: number;
    if (step.time === "conv") {
      used = length;
      keepFrom = Math.max(length - (step.window - 1), 0);
      if (length < step.window) used = 0;
    } else {
      // Pool pairs stay aligned with the whole-input pass: consume whole strides only.
      const outputs = length < step.window ? 0 : Math.floor((length - step.window) / step.stride) + 1;
      used = outputs === 0 ? 0 : (outputs - 1) * step.stride + step.window;
      keepFrom = outputs * step.stride;
    }
    // A pooling fed whole strides (the usual 8-frame push) holds nothing: no kernel for an empty tail.
    const keep = keepFrom < length ? tf.keep(sliceTime(input, keepFrom, length - keepFrom)) : undefined;
    held?.dispose();
    this.tails[i] = keep;
    if (used === 0) return undefined;
    return step.run(used === length ? input : sliceTime(input, 0, used));
  }
}
