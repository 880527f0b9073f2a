import { constOf, readTensor } from "../tensor-data.js";
import type { Value } from "../context.js";
import type { NodeInfo } from "../node-info.js";
import type { OpFamily } from "./types.js";

function constant(node: NodeInfo): Value {
  const tensor = node.tensor("value");
  if (tensor) return readTensor(tensor, node.where);
  if (node.has("value_float")) return constOf([], [node.float("value_float", 0)], false);
  if (node.has("value_int")) return constOf([], [node.int("value_int", 0)], true);
  const floats = node.ints("value_ints");
  if (floats) return constOf([floats.length], floats, true);
  throw node.unsupported("only the value, value_float, value_int and value_ints attributes are supported.", "Export the constant as a tensor attribute.");
}

export const constantOps: OpFamily = { converters: { Constant: (node) => constant(node) } };
