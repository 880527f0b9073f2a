import type { BuildContext, Value } from "../context.js";
import type { NodeInfo } from "../node-info.js";

/** Turns one ONNX node into TF.js layers (or a folded constant) and returns its first output. */
export type Converter = (node: NodeInfo, ctx: BuildContext) => Value;

export interface OpFamily {
  readonly converters: Readonly<Record<string, Converter>>;
  /** Ops whose 4-D input is image-like (NCHW): a graph input feeding one is taken channels-last. */
  readonly spatial?: readonly string[];
  /** Ops whose output has its input's layout whatever it is (activations, element-wise arithmetic). */
  readonly layoutKeeping?: readonly string[];
}
