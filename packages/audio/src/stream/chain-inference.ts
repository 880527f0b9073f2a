import * as tf from "@tensorflow/tfjs";

/** A model's forward pass for inference, `x` → output, to call inside `tf.tidy`. */
export type ChainInference = (x: tf.Tensor) => tf.Tensor;

const built = new WeakMap<tf.LayersModel, ChainInference>();

/**
 * `model.predict` for a model that is one chain of layers, with its common
 * small layers (Flatten, Dense, LayerNormalization, ReLU, Dropout) run as
 * direct kernel calls on row-major `[1, rows, features]` tensors: a wake-word
 * head scored on one live window costs a handful of kernels instead of ~76
 * (predict's symbolic execution, LayerNormalization's tiles and reshapes).
 * Other layers run through `layer.apply`, as predict runs them. Weights are
 * read at every call, so training is followed; the model itself is not
 * changed. Models that are not a single chain get `model.predict`. Built
 * once per model.
 */
export function chainInference(model: tf.LayersModel): ChainInference {
  let forward = built.get(model);
  if (!forward) {
    forward = buildChain(model) ?? ((x) => model.predict(x) as tf.Tensor);
    built.set(model, forward);
  }
  return forward;
}

type Step = (x: tf.Tensor) => tf.Tensor;

function buildChain(model: tf.LayersModel): ChainInference | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const layers: { layer: tf.layers.Layer; rank: number }[] = [];
  let t = model.outputs[0]!;
  while (t !== model.inputs[0]) {
    // A symbolic tensor records the layer that made it and that layer's inputs in this graph.
    if (t.inputs.length !== 1 || Object.keys(t.callArgs ?? {}).length > 0) return undefined;
    layers.unshift({ layer: t.sourceLayer, rank: t.inputs[0]!.shape.length });
    t = t.inputs[0]!;
  }
  const steps: Step[] = [];
  let rows = false;
  for (const { layer, rank } of layers) {
    if (layer.getClassName() === "Flatten") {
      // Every row flattened: [n, ...] → [1, n, features], the form row steps read.
      if (!rows) steps.push((x) => reshape(x, [1, x.shape[0]!, -1]));
      rows = true;
      continue;
    }
    const step = rows || rank === 2 ? rowStep(layer, rank) : undefined;
    if (step !== undefined) {
      if (!rows) steps.push((x) => reshape(x, [1, ...x.shape]));
      rows = true;
      if (step !== "identity") steps.push(step);
      continue;
    }
    if (rows) steps.push((x) => reshape(x, [x.shape[1]!, x.shape[2]!]));
    rows = false;
    steps.push((x) => layer.apply(x) as tf.Tensor);
  }
  if (rows) steps.push((x) => reshape(x, [x.shape[1]!, x.shape[2]!]));
  return (x) => steps.reduce((y, step) => step(y), x);
}

const FUSED: Record<string, string> = { linear: "linear", relu: "relu", sigmoid: "sigmoid" };

/** A step on `[1, rows, features]`, "identity" for a layer inference skips, undefined for a layer it does not know. */
function rowStep(layer: tf.layers.Layer, rank: number): Step | "identity" | undefined {
  const config = layer.getConfig();
  const kind = layer.getClassName();
  if (kind === "Dropout") return "identity";
  if (kind === "ReLU" && config["maxValue"] == null) return (x) => run(tf.Relu, { x }, {});
  if (kind === "Dense") {
    const activation = config["activation"] as string;
    const fused = FUSED[activation];
    if (fused === undefined && activation !== "softmax") return undefined;
    const [kernel, bias] = layer.weights;
    return (x) => {
      const b = kernel!.read();
      const inputs: tf.NamedTensorMap = { a: x, b: reshape(b, [1, ...b.shape]) };
      if (config["useBias"] !== false && bias) inputs["bias"] = bias.read();
      const y = run(tf._FusedMatMul, inputs, { transposeA: false, transposeB: false, activation: fused ?? "linear", leakyreluAlpha: 0 });
      return fused === undefined ? run(tf.Softmax, { logits: y }, { dim: 2 }) : y;
    };
  }
  if (kind === "LayerNormalization") return layerNorm(layer, rank);
  return undefined;
}

/** LayerNormalization over the last axis with the kernels tf.layers uses (mean, variance, one batch norm), without its tiles where one row needs none. */
function layerNorm(layer: tf.layers.Layer, rank: number): Step | undefined {
  const config = layer.getConfig();
  const axis = config["axis"] as number | number[];
  const axes = Array.isArray(axis) ? axis : [axis];
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== rank - 1)) return undefined;
  const epsilon = config["epsilon"] as number;
  const weights = new Map(layer.weights.map((w) => [w.originalName.split("/").at(-1)!, w]));
  const gamma = config["scale"] !== false ? weights.get("gamma") : undefined;
  const beta = config["center"] !== false ? weights.get("beta") : undefined;
  if ((config["scale"] !== false && !gamma) || (config["center"] !== false && !beta)) return undefined;
  return (x) => {
    const [, n, features] = x.shape as [number, number, number];
    let mean = run(tf.Mean, { x }, { axis: [2], keepDims: true });
    let variance = run(tf.Mean, { x: run(tf.Square, { x: run(tf.Sub, { a: x, b: mean }, {}) }, {}) }, { axis: [2], keepDims: true });
    // The batch-norm kernel reads statistics per channel: one row's broadcast as is, several tiled (as tf.layers does).
    if (n > 1) {
      mean = run(tf.Tile, { x: mean }, { reps: [1, 1, features] });
      variance = run(tf.Tile, { x: variance }, { reps: [1, 1, features] });
    }
    const inputs: tf.NamedTensorMap = { x, mean, variance };
    if (beta) inputs["offset"] = beta.read();
    if (gamma) inputs["scale"] = gamma.read();
    return run(tf.FusedBatchNorm, inputs, { varianceEpsilon: epsilon });
  };
}

function reshape(x: tf.Tensor, shape: number[]): tf.Tensor {
  return run(tf.Reshape, { x }, { shape });
}

function run(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}
