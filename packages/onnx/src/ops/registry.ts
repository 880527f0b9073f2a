import { constantOps } from "./constant.js";
import { convOps } from "./conv.js";
import { denseOps } from "./dense.js";
import { elementwiseOps } from "./elementwise.js";
import { poolOps } from "./pool.js";
import { shapeOps } from "./shape.js";
import type { Converter, OpFamily } from "./types.js";

const FAMILIES: readonly OpFamily[] = [constantOps, convOps, poolOps, elementwiseOps, denseOps, shapeOps];

/** Converters by ONNX op type (default domain). */
export const CONVERTERS: ReadonlyMap<string, Converter> = new Map(FAMILIES.flatMap((family) => Object.entries(family.converters)));

/** Ops whose 4-D input is taken as image-like NCHW. */
export const SPATIAL_OPS: ReadonlySet<string> = new Set(FAMILIES.flatMap((family) => family.spatial ?? []));

/** Ops that hand their input's layout on: a graph input reaching a spatial op through them is still image-like. */
export const LAYOUT_KEEPING_OPS: ReadonlySet<string> = new Set(FAMILIES.flatMap((family) => family.layoutKeeping ?? []));

/** Every ONNX op the importer supports, sorted. */
export const SUPPORTED_ONNX_OPS: readonly string[] = [...CONVERTERS.keys()].sort();
