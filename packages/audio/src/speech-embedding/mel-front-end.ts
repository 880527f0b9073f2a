import { createRequire } from "node:module";

import { ModelFileError } from "@graft/core";
import type * as OnnxProto from "onnx-proto";

import { readOpenWakeWordFile } from "./openwakeword-files.js";
import { RealPowerSpectrum } from "./real-power-spectrum.js";

type TensorProto = OnnxProto.onnx.ITensorProto;

/** Options of {@link MelFrontEnd.features}. */
export interface MelFeatureOptions {
  /**
   * Frames that share one "top dB" floor (the loudest frame minus `topDb`).
   * `melspectrogram.onnx` floors against the loudest frame of its whole input;
   * openWakeWord's streaming front end runs it on 80 ms chunks, i.e. blocks of
   * 8 frames. With blocks, the features of a frame never depend on audio far
   * away, so clips, streams and cached recordings agree. 0 means the whole input.
   * @default 8
   */
  block?: number;
}

/**
 * openWakeWord's mel front end in TypeScript: 16 kHz samples in [-1, 1]
 * (scaled to int16 range, as openWakeWord feeds them) → frames of 32 mel
 * bands, one every 10 ms, as `melspectrogram.onnx` computes them, then
 * openWakeWord's `x / 10 + 2`. The window, mel matrix and constants are read
 * from the ONNX file; the STFT matrix product of the graph is done by a real FFT.
 */
export class MelFrontEnd {
  readonly sampleRate = 16000;
  readonly bands: number;
  readonly windowSize: number;
  readonly hopSize: number;
  /** Samples are multiplied by this before the transform (int16 full scale). */
  readonly inputScale = 32768;
  private readonly window: Float64Array;
  private readonly melStart: Int32Array;
  private readonly melWeights: Float64Array[];
  private readonly amin: number;
  private readonly dbPerNeper: number;
  private readonly topDb: number;
  private readonly spectrum: RealPowerSpectrum;
  private readonly frame: Float64Array;
  private readonly power: Float64Array;

  constructor(graph: MelGraphConstants) {
    this.windowSize = graph.window.length;
    this.hopSize = graph.hop;
    this.bands = graph.bands;
    this.window = Float64Array.from(graph.window);
    this.amin = graph.amin;
    this.dbPerNeper = graph.dbPerNeper;
    this.topDb = graph.topDb;
    this.spectrum = new RealPowerSpectrum(this.windowSize);
    this.frame = new Float64Array(this.windowSize);
    const bins = this.windowSize / 2 + 1;
    this.power = new Float64Array(bins);
    // The mel matrix is sparse (each band spans a few bins): keep each band's non-zero run.
    this.melStart = new Int32Array(this.bands);
    this.melWeights = [];
    for (let b = 0; b < this.bands; b++) {
      let first = -1;
      let last = -1;
      for (let k = 0; k < bins; k++) {
        if (graph.mel[k * this.bands + b] !== 0) {
          if (first < 0) first = k;
          last = k;
        }
      }
      this.melStart[b] = Math.max(first, 0);
      const weights = new Float64Array(first < 0 ? 0 : last - first + 1);
      for (let k = first; k >= 0 && k <= last; k++) weights[k - first] = graph.mel[k * this.bands + b]!;
      this.melWeights.push(weights);
    }
  }

  /** Frames the graph produces for `samples` samples (no padding: partial frames are dropped). */
  frameCount(samples: number): number {
    return samples < this.windowSize ? 0 : Math.floor((samples - this.windowSize) / this.hopSize) + 1;
  }

  /**
   * Log-mel power in dB (`10·log10(max(mel, amin))`), frames `first … first+count-1`
   * of `samples`, written row-major into `out` (`count × bands`).
   */
  melDb(samples: Float32Array, first = 0, count = this.frameCount(samples.length) - first, out = new Float32Array(count * this.bands)): Float32Array {
    const { frame, power, window, windowSize, bands, inputScale } = this;
    for (let f = 0; f < count; f++) {
      const offset = (first + f) * this.hopSize;
      for (let n = 0; n < windowSize; n++) frame[n] = samples[offset + n]! * inputScale * window[n]!;
      this.spectrum.transform(frame, power);
      for (let b = 0; b < bands; b++) {
        const weights = this.melWeights[b]!;
        const start = this.melStart[b]!;
        let sum = 0;
        for (let j = 0; j < weights.length; j++) sum += power[start + j]! * weights[j]!;
        out[f * bands + b] = Math.log(Math.max(sum, this.amin)) * this.dbPerNeper;
      }
    }
    return out;
  }

  /**
   * Applies the graph's top-dB floor per block of `block` frames (0: all of
   * `db`), then openWakeWord's `x / 10 + 2`, in place. `db` holds whole frames.
   */
  finish(db: Float32Array, block = 8): Float32Array {
    const { bands, topDb } = this;
    const frames = db.length / bands;
    const step = block > 0 ? block : Math.max(frames, 1);
    for (let start = 0; start < frames; start += step) {
      const end = Math.min(start + step, frames) * bands;
      let max = -Infinity;
      for (let i = start * bands; i < end; i++) if (db[i]! > max) max = db[i]!;
      const floor = Math.fround(max - topDb);
      for (let i = start * bands; i < end; i++) db[i] = Math.max(db[i]!, floor) / 10 + 2;
    }
    return db;
  }

  /** openWakeWord features of a whole clip: `frameCount(samples.length) × bands`, row-major. */
  features(samples: Float32Array, { block = 8 }: MelFeatureOptions = {}): Float32Array {
    if (!Number.isInteger(block) || block < 0) throw new RangeError(`MelFrontEnd.features: block must be a non-negative integer, got ${block}.`);
    return this.finish(this.melDb(samples), block);
  }
}

/** What the front end reads from `melspectrogram.onnx`. */
export interface MelGraphConstants {
  readonly window: Float32Array;
  readonly hop: number;
  readonly bands: number;
  /** `[bins, bands]`, row-major. */
  readonly mel: Float32Array;
  readonly amin: number;
  readonly dbPerNeper: number;
  readonly topDb: number;
}

let cached: Promise<MelFrontEnd> | undefined;

/** The front end built from the installed `melspectrogram.onnx` (checked by SHA-256), loaded once. */
export function loadMelFrontEnd(): Promise<MelFrontEnd> {
  cached ??= readOpenWakeWordFile("melspectrogram.onnx").then((bytes) => new MelFrontEnd(readMelGraph(bytes)));
  cached.catch(() => (cached = undefined));
  return cached;
}

/** Reads the STFT window, hop, mel matrix and log/top-dB constants out of the graph. */
export function readMelGraph(bytes: Uint8Array): MelGraphConstants {
  const { onnx } = createRequire(import.meta.url)("onnx-proto") as typeof OnnxProto;
  const graph = onnx.ModelProto.decode(bytes).graph;
  const nodes = graph?.node ?? [];
  const initializers = new Map((graph?.initializer ?? []).map((t) => [t.name ?? "", t]));
  const constants = new Map<string, TensorProto>();
  for (const node of nodes) {
    const value = node.opType === "Constant" ? node.attribute?.find((a) => a.name === "value")?.t : undefined;
    if (value) constants.set(node.output?.[0] ?? "", value);
  }
  const tensor = (name: string | undefined | null): TensorProto => {
    const t = initializers.get(name ?? "") ?? constants.get(name ?? "");
    if (!t) throw new ModelFileError(`melspectrogram.onnx: tensor ${name} not found; the graph is not the one graft reads.`);
    return t;
  };
  const node = (op: string, index = 0): OnnxProto.onnx.INodeProto => {
    const found = nodes.filter((n) => n.opType === op)[index];
    if (!found) throw new ModelFileError(`melspectrogram.onnx: expected a ${op} node (#${index + 1}), found none.`);
    return found;
  };
  const conv = node("Conv");
  const basis = floats(tensor(conv.input?.[1]));
  const size = Number(tensor(conv.input?.[1]).dims?.[2] ?? 0);
  const hop = Number(conv.attribute?.find((a) => a.name === "strides")?.ints?.[0] ?? 0);
  const melTensor = tensor(node("MatMul").input?.[1]);
  const bands = Number(melTensor.dims?.[1] ?? 0);
  // Row 0 of the real DFT basis is the window itself (cos 0 = 1).
  const window = basis.slice(0, size);
  const amin = floats(tensor(node("Clip").input?.[1]))[0]!;
  const scale = floats(tensor(node("Mul").input?.[1]))[0]! / floats(tensor(node("Div").input?.[1]))[0]!;
  const topDb = floats(tensor(node("Sub", 1).input?.[1]))[0]!;
  if (!(size > 0 && hop > 0 && bands > 0 && (size & (size - 1)) === 0)) {
    throw new ModelFileError(`melspectrogram.onnx: unexpected STFT (window ${size}, hop ${hop}, bands ${bands}).`);
  }
  return { window, hop, bands, mel: floats(melTensor), amin, dbPerNeper: scale, topDb };
}

function floats(t: TensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) return new Float32Array(new Uint8Array(t.rawData).buffer);
  return Float32Array.from(t.floatData ?? []);
}
