import type { NodeInfo } from "../node-info.js";
import type { ConstValue } from "../tensor-data.js";

/** Row-major transpose of an n-d array: out dims are dims[perm[i]]. */
export function transpose(data: ArrayLike<number>, dims: number[], perm: number[]): { data: Float32Array; dims: number[] } {
  const outDims = perm.map((p) => dims[p] ?? 1);
  const rank = dims.length;
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = (strides[i + 1] ?? 1) * (dims[i + 1] ?? 1);
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < size; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += (index[i] ?? 0) * (strides[perm[i] ?? 0] ?? 0);
    out[o] = data[src] ?? 0;
    for (let i = rank - 1; i >= 0; i--) {
      index[i] = (index[i] ?? 0) + 1;
      if ((index[i] ?? 0) < (outDims[i] ?? 1)) break;
      index[i] = 0;
    }
  }
  return { data: out, dims: outDims };
}

export function float32(value: ConstValue): Float32Array {
  return Float32Array.from(value.data);
}

/** Integers of a constant (shapes, axes, pads). */
export function ints(value: ConstValue): number[] {
  return Array.from(value.data, (v) => Math.trunc(v));
}

/** The single number a scalar-like constant holds, or undefined when it holds more. */
export function scalarOf(value: ConstValue | undefined): number | undefined {
  return value && value.data.length === 1 ? value.data[0] : undefined;
}

/** [top, bottom] and [left, right] paddings TF.js's "same" would use for this window. */
export function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + effective - size, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [[top, bottom], [left, right]] */
  pads: [[number, number], [number, number]];
  /** "same" when the pads are exactly what TF.js's "same" adds for this input size. */
  padding: "valid" | "same" | "explicit";
}

/** Reads kernel_shape/strides/dilations/pads/auto_pad of a 2-D Conv or pool. */
export function readWindow(node: NodeInfo, kernel: [number, number], inputHW: [number | null, number | null]): Window {
  const pair = (name: string): [number, number] => {
    const v = node.ints(name);
    return v && v.length >= 2 ? [v[0] ?? 1, v[1] ?? 1] : [1, 1];
  };
  const strides = pair("strides");
  const dilations = pair("dilations");
  const autoPad = node.string("auto_pad", "NOTSET");
  const [h, w] = inputHW;
  let pads: [[number, number], [number, number]];
  if (autoPad === "VALID") pads = [[0, 0], [0, 0]];
  else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    if (h === null || w === null) throw node.unsupported(`auto_pad ${autoPad} needs a known input size, got [${h}, ${w}].`, "Export the model with a fixed input size.");
    const ph = samePads(h, kernel[0], strides[0], dilations[0]);
    const pw = samePads(w, kernel[1], strides[1], dilations[1]);
    pads = autoPad === "SAME_UPPER" ? [ph, pw] : [[ph[1], ph[0]], [pw[1], pw[0]]];
  } else {
    const p = node.ints("pads") ?? [0, 0, 0, 0];
    if (p.length !== 4) throw node.unsupported(`pads has ${p.length} values, expected 4 (2-D window).`, "Only 2-D convolution and pooling are supported.");
    pads = [[p[0] ?? 0, p[2] ?? 0], [p[1] ?? 0, p[3] ?? 0]];
  }
  const zero = pads.every(([a, b]) => a === 0 && b === 0);
  let padding: Window["padding"] = zero ? "valid" : "explicit";
  if (!zero && h !== null && w !== null) {
    const ph = samePads(h, kernel[0], strides[0], dilations[0]);
    const pw = samePads(w, kernel[1], strides[1], dilations[1]);
    if (ph[0] === pads[0][0] && ph[1] === pads[0][1] && pw[0] === pads[1][0] && pw[1] === pads[1][1]) padding = "same";
  }
  return { kernel, strides, dilations, pads, padding };
}
