import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import type { Backbone, InputSpec, Pooling, Provenance } from "../types.js";
import { describeLayerChoices, layerNames, uniqueName } from "./layer-names.js";
import { weightsChecksum } from "./weights-checksum.js";

/** Options of {@link cutBackbone}. */
export interface CutBackboneOptions {
  /** Name of the last layer to keep, e.g. `out_relu`. Takes precedence over `dropLast`. */
  at?: string;
  /**
   * Number of layers to cut from the end of `model.layers` (topological order).
   * @default 1 when `at` is not given: the old output layer goes.
   */
  dropLast?: number;
  /**
   * Global pooling appended when the cut leaves a spatial (rank 4) or temporal
   * (rank 3) feature map; `"auto"` average-pools such maps and leaves flat
   * features alone.
   * @default "none"
   */
  pooling?: Pooling | "auto";
  /** @default the source model's name */
  name?: string;
  /** What the backbone consumes. @default a tensor spec from the model's input shape */
  inputSpec?: InputSpec;
  /** Where the weights came from (task A, number of examples, licence). */
  provenance?: Provenance;
}

/**
 * Keeps the trunk of a trained LayersModel (Keras-converted ones included):
 * everything up to the layer `at`, or all but the last `dropLast` layers,
 * optionally followed by global pooling. The backbone shares layers (and so
 * weights) with `model`.
 */
export function cutBackbone(model: tf.LayersModel, options: CutBackboneOptions = {}): Backbone {
  const cutLayer = findCutLayer(model, options);
  let output: tf.SymbolicTensor | tf.SymbolicTensor[] = outputIn(model, cutLayer);
  if (Array.isArray(output)) {
    throw new ConfigError(
      `Layer "${cutLayer.name}" has ${output.length} outputs; a backbone needs a layer with one output.`,
      { fix: describeLayerChoices(model) },
    );
  }
  const pooling = options.pooling === "auto" ? (output.shape.length > 2 ? "avg" : "none") : (options.pooling ?? "none");
  const taken = new Set(layerNames(model));
  if (pooling !== "none") output = pool(output, pooling, uniqueName(`${cutLayer.name}_${pooling.replace("+", "")}pool`, taken));
  const inputs = model.inputs;
  if (inputs.length !== 1) {
    throw new ConfigError(`Expected a model with one input, got ${inputs.length}.`);
  }
  const trunk = tf.model({ inputs, outputs: output, name: options.name ?? `${model.name}_backbone` });
  const featureShape = output.shape.slice(1).map((d) => d ?? -1);
  const inputShape = (inputs[0]?.shape ?? []).slice(1).map((d) => d ?? -1);
  return {
    name: options.name ?? model.name,
    model: trunk,
    inputSpec: options.inputSpec ?? { kind: "tensor", shape: inputShape },
    featureShape,
    provenance: {
      ...options.provenance,
      cutAt: cutLayer.name,
      pooling,
      weightsSha256: weightsChecksum(trunk),
    },
  };
}

/**
 * The layer's output in `model`. A layer applied in several graphs (a
 * transfer model's head is shared with its feature-only twin) has no single
 * `output`; the node that belongs to `model` says which one.
 */
function outputIn(model: tf.LayersModel, layer: tf.layers.Layer): tf.SymbolicTensor | tf.SymbolicTensor[] {
  if (layer.inboundNodes.length <= 1) return layer.output;
  const nodes = (model as unknown as { containerNodes: Set<string> }).containerNodes;
  const index = layer.inboundNodes.findIndex((_, i) => nodes.has(`${layer.name}_ib-${i}`));
  return layer.getOutputAt(Math.max(index, 0));
}

function findCutLayer(model: tf.LayersModel, options: CutBackboneOptions): tf.layers.Layer {
  if (options.at !== undefined) {
    const layer = model.layers.find((l) => l.name === options.at);
    if (!layer) {
      throw new ConfigError(`No layer named "${options.at}" in model "${model.name}".`, {
        fix: describeLayerChoices(model, options.at),
      });
    }
    return layer;
  }
  const dropLast = options.dropLast ?? 1;
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  if (!Number.isInteger(dropLast) || dropLast < 1 || dropLast >= layers.length) {
    throw new ConfigError(
      `dropLast must be an integer from 1 to ${layers.length - 1} for model "${model.name}" (it has ${layers.length} layers), got ${dropLast}.`,
      { fix: `pass { at: "<layer name>" } instead. ${describeLayerChoices(model)}` },
    );
  }
  const layer = layers[layers.length - 1 - dropLast];
  if (!layer) throw new ConfigError(`Cannot cut ${dropLast} layers from "${model.name}".`);
  return layer;
}

function pool(x: tf.SymbolicTensor, pooling: Exclude<Pooling, "none">, name: string): tf.SymbolicTensor {
  const rank = x.shape.length;
  if (rank === 2) return x;
  if (rank !== 3 && rank !== 4) {
    throw new ConfigError(`Cannot pool a feature map of rank ${rank} (shape [${x.shape.join(", ")}]); expected rank 3 or 4.`);
  }
  const global = (kind: "avg" | "max", layerName: string): tf.SymbolicTensor => {
    const args = { name: layerName };
    const layer =
      rank === 4
        ? kind === "avg" ? tf.layers.globalAveragePooling2d(args) : tf.layers.globalMaxPooling2d(args)
        : kind === "avg" ? tf.layers.globalAveragePooling1d(args) : tf.layers.globalMaxPooling1d(args);
    return layer.apply(x) as tf.SymbolicTensor;
  };
  if (pooling !== "avg+max") return global(pooling, name);
  const both = [global("avg", `${name}_avg`), global("max", `${name}_max`)];
  return tf.layers.concatenate({ name, axis: -1 }).apply(both) as tf.SymbolicTensor;
}

/**
 * Frees the weights of the layers of `source` that `backbone` does not use
 * (the old head). Call it when the source model itself is no longer needed.
 */
export function releaseUnusedLayers(source: tf.LayersModel, backbone: Backbone): void {
  const kept = new Set(backbone.model.layers);
  for (const layer of source.layers) if (!kept.has(layer)) layer.dispose();
}
