import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import { uniqueName } from "../backbone/layer-names.js";
import type { HeadContext, HeadFactory, Json } from "../types.js";
import { outputLayerFor } from "./output-units.js";

/** Options of {@link denseHead}. */
export interface DenseHeadOptions {
  /**
   * Hidden layer sizes, input side first. `[]` gives a single re-initialised output layer.
   * @default []
   */
  units?: readonly number[];
  /** Dropout rate after each hidden layer (and before the output layer when there are none). @default 0 */
  dropout?: number;
  /** Normalisation after each hidden layer. @default "none" */
  normalization?: "none" | "batch" | "layer";
  /** Activation of hidden layers. @default "relu" */
  activation?: "relu" | "relu6" | "elu" | "selu" | "tanh" | "swish";
  /** Prefix of the head's layer names. @default "head" */
  prefix?: string;
}

/**
 * A head of new layers on the backbone's features: optional hidden dense
 * layers (with dropout and normalisation), then a freshly initialised output
 * layer (softmax for multiclass, sigmoid for binary and multilabel). Features
 * of rank > 1 are flattened first.
 */
export function denseHead(options: DenseHeadOptions = {}): HeadFactory {
  const { units = [], dropout = 0, normalization = "none", activation = "relu", prefix = "head" } = options;
  if (units.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new ConfigError(`Head units must be positive integers, got [${units.join(", ")}].`, {
      fix: "e.g. denseHead({ units: [64, 32] })",
    });
  }
  if (!(dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`Head dropout must be in [0, 1), got ${dropout}.`);
  }
  return (context: HeadContext) => {
    const taken = new Set(context.takenNames);
    const name = (base: string): string => {
      const unique = uniqueName(`${prefix}_${base}`, taken);
      taken.add(unique);
      return unique;
    };
    const init = (offset: number) => tf.initializers.glorotUniform({ seed: seedAt(context.seed, offset) });
    const layers: tf.layers.Layer[] = [];
    if (context.featureShape.length > 1) layers.push(tf.layers.flatten({ name: name("flatten") }));
    units.forEach((n, i) => {
      layers.push(tf.layers.dense({ units: n, activation, kernelInitializer: init(i), name: name(`dense_${i + 1}`) }));
      if (normalization === "batch") layers.push(tf.layers.batchNormalization({ name: name(`bn_${i + 1}`) }));
      if (normalization === "layer") layers.push(tf.layers.layerNormalization({ name: name(`ln_${i + 1}`) }));
      if (dropout > 0) layers.push(tf.layers.dropout({ rate: dropout, seed: seedAt(context.seed, 100 + i), name: name(`dropout_${i + 1}`) }));
    });
    if (units.length === 0 && dropout > 0) {
      layers.push(tf.layers.dropout({ rate: dropout, seed: seedAt(context.seed, 100), name: name("dropout") }));
    }
    const out = outputLayerFor(context.task);
    layers.push(tf.layers.dense({ ...out, kernelInitializer: init(units.length), name: name("output") }));
    const spec: Json = { kind: "dense", units: [...units], dropout, normalization, activation };
    return { spec, layers };
  };
}

/**
 * The seed's "re-initialise the last layer": a single new output layer with
 * random weights on the backbone's features.
 */
export function outputHead(options: Pick<DenseHeadOptions, "dropout" | "prefix"> = {}): HeadFactory {
  return denseHead({ ...options, units: [] });
}

function seedAt(seed: number | undefined, offset: number): number | undefined {
  return seed === undefined ? undefined : seed + offset;
}
