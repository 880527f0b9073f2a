import { ConfigError } from "@graft/core";

/** One wake-word detection in a stream. */
export interface Detection {
  /** Seconds from the stream start to the centre of the audio the smoothed score covers. */
  readonly time: number;
  /** Seconds from the stream start to the end of the window that fired: when a live detector can report it. */
  readonly end: number;
  /** Smoothed posterior that crossed the threshold. */
  readonly score: number;
}

/** How window posteriors become detections. */
export interface DetectionOptions {
  /** Seconds of audio per scored window. @default 1 */
  windowSeconds?: number;
  /** Seconds between consecutive windows. @default 0.1 */
  hopSeconds?: number;
  /** Moving average of the posteriors over this many windows (1 = none). @default 3 */
  smoothing?: number;
  /** A smoothed posterior at or above this fires. @default 0.5 */
  threshold?: number;
  /** After a detection, nothing fires for this many seconds. @default 1 */
  refractorySeconds?: number;
}

/** Resolved {@link DetectionOptions}. */
export type ResolvedDetectionOptions = Required<DetectionOptions>;

/** Fills defaults and validates detection options. */
export function detectionOptions({
  windowSeconds = 1,
  hopSeconds = 0.1,
  smoothing = 3,
  threshold = 0.5,
  refractorySeconds = 1,
}: DetectionOptions = {}): ResolvedDetectionOptions {
  if (!(windowSeconds > 0) || !(hopSeconds > 0)) throw new ConfigError(`detection: windowSeconds and hopSeconds must be positive, got ${windowSeconds} and ${hopSeconds}.`);
  if (!Number.isInteger(smoothing) || smoothing < 1) throw new ConfigError(`detection: smoothing must be a positive integer (windows), got ${smoothing}.`);
  if (!(refractorySeconds >= 0)) throw new ConfigError(`detection: refractorySeconds must be ≥ 0, got ${refractorySeconds}.`);
  if (Number.isNaN(threshold)) throw new ConfigError("detection: threshold is NaN.");
  return { windowSeconds, hopSeconds, smoothing, threshold, refractorySeconds };
}

/**
 * Turns window posteriors, fed in order, into detections: trailing moving
 * average over `smoothing` windows, threshold, refractory period. Shared by
 * the batch and the streaming detector so both give the same answer.
 */
export class DetectionTracker {
  private readonly recent: number[] = [];
  private sum = 0;
  private index = 0;
  private lastFired = -Infinity;
  readonly options: ResolvedDetectionOptions;

  constructor(options: DetectionOptions = {}) {
    this.options = detectionOptions(options);
  }

  /** Feeds the next window's posterior; returns a detection when one fires. */
  push(score: number): Detection | undefined {
    const { windowSeconds, hopSeconds, smoothing, threshold, refractorySeconds } = this.options;
    const i = this.index++;
    this.recent.push(score);
    this.sum += score;
    if (this.recent.length > smoothing) this.sum -= this.recent.shift() as number;
    const smoothed = this.sum / this.recent.length;
    const first = i - this.recent.length + 1;
    const time = (first * hopSeconds + i * hopSeconds + windowSeconds) / 2;
    // Compare in hops, not seconds, so float rounding cannot shorten the refractory period.
    if (smoothed < threshold || (i - this.lastFired) * hopSeconds < refractorySeconds - 1e-9) return undefined;
    this.lastFired = i;
    return { time, end: i * hopSeconds + windowSeconds, score: smoothed };
  }
}

/** Detections from a whole sequence of window posteriors (e.g. to sweep thresholds over one scored stream). */
export function detectionsFromScores(scores: readonly number[], options: DetectionOptions = {}): Detection[] {
  const tracker = new DetectionTracker(options);
  const out: Detection[] = [];
  for (const score of scores) {
    const detection = tracker.push(score);
    if (detection) out.push(detection);
  }
  return out;
}
