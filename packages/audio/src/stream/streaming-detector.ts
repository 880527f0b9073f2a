import { ConfigError } from "@graft/core";

import type { Detection, DetectionOptions } from "./detection-tracker.js";
import { DetectionTracker } from "./detection-tracker.js";
import type { ScoreFn, Scorer } from "./score-fn.js";
import { toScoreFn } from "./score-fn.js";

/** Options of {@link StreamingDetector} and `detectStream`. */
export interface StreamOptions extends DetectionOptions {
  /** Rate of the pushed samples (that of the model's preprocessor). @default 16000 */
  sampleRate?: number;
  /** Most windows scored in one call of the score function. @default 32 */
  batchSize?: number;
}

/**
 * Wake-word detection over a live stream: `push` chunks of any length; every
 * complete window (`windowSeconds` long, one per `hopSeconds`) is scored,
 * smoothed and thresholded, and detections come back with timestamps from the
 * stream's start. Pushes are processed in order even if not awaited.
 */
export class StreamingDetector {
  /** Every detection so far. */
  readonly detections: Detection[] = [];
  private readonly score: ScoreFn;
  private readonly tracker: DetectionTracker;
  private readonly window: number;
  private readonly hop: number;
  private readonly batchSize: number;
  private readonly sampleRate: number;
  private buffer = new Float32Array(0);
  /** Absolute index of `buffer[0]`, and of the next window's first sample. */
  private bufferStart = 0;
  private nextStart = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(scorer: Scorer, { sampleRate = 16000, batchSize = 32, ...options }: StreamOptions = {}) {
    this.score = toScoreFn(scorer);
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new ConfigError(`StreamingDetector: sampleRate must be a positive integer, got ${sampleRate}.`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`StreamingDetector: batchSize must be a positive integer, got ${batchSize}.`);
    this.batchSize = batchSize;
    this.sampleRate = sampleRate;
    this.window = Math.round((options.windowSeconds ?? 1) * sampleRate);
    this.hop = Math.round((options.hopSeconds ?? 0.1) * sampleRate);
    // Timestamps follow the rounded sample counts, so they match the audio exactly.
    this.tracker = new DetectionTracker({ ...options, windowSeconds: this.window / sampleRate, hopSeconds: this.hop / sampleRate });
  }

  /** Seconds of audio received. */
  get secondsSeen(): number {
    return (this.bufferStart + this.buffer.length) / this.sampleRate;
  }

  /** Adds samples; resolves to the detections they completed. */
  push(chunk: Float32Array): Promise<Detection[]> {
    const run = this.queue.then(() => this.process(chunk));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(chunk: Float32Array): Promise<Detection[]> {
    const joined = new Float32Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    const found: Detection[] = [];
    for (;;) {
      const windows: Float32Array[] = [];
      while (windows.length < this.batchSize && this.nextStart + this.window <= this.bufferStart + this.buffer.length) {
        const from = this.nextStart - this.bufferStart;
        windows.push(this.buffer.slice(from, from + this.window));
        this.nextStart += this.hop;
      }
      if (windows.length === 0) break;
      const scores = await this.score(windows);
      if (scores.length !== windows.length) {
        throw new ConfigError(`StreamingDetector: the score function returned ${scores.length} scores for ${windows.length} windows.`);
      }
      for (const score of scores) {
        const detection = this.tracker.push(score);
        if (detection) found.push(detection);
      }
    }
    // Keep only what later windows still need.
    const drop = Math.min(this.buffer.length, this.nextStart - this.bufferStart);
    if (drop > 0) {
      this.buffer = this.buffer.slice(drop);
      this.bufferStart += drop;
    }
    this.detections.push(...found);
    return found;
  }
}

/**
 * Runs a wake-word scorer (a score function, or a model with its
 * preprocessor) over a whole recording with a sliding window, posterior
 * smoothing, a threshold and a refractory period. Gives exactly the
 * detections a {@link StreamingDetector} fed the same samples in chunks gives.
 */
export async function detectStream(scorer: Scorer, samples: Float32Array, options: StreamOptions = {}): Promise<Detection[]> {
  return new StreamingDetector(scorer, options).push(samples);
}
