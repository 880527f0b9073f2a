import * as tf from "@tensorflow/tfjs";

import { collectBatches, tensorDataset } from "../data/tensor-dataset.js";
import { ConfigError } from "../errors.js";
import type { Backbone, Dataset, Provenance } from "../types.js";

/** Options of {@link graphModelFeatures}. */
export interface GraphFeaturesOptions {
  /** Output node to read (e.g. a pre-logits node of a TF-Hub model). @default the model's first output */
  outputNode?: string;
  /** @default 32 */
  batchSize?: number;
}

/**
 * Runs a frozen GraphModel (TF-Hub or SavedModel conversion, which cannot be
 * fine-tuned in TF.js) over `data` once and returns its features as an
 * in-memory dataset with the same labels. Train a head on it with
 * {@link featureBackbone}; at prediction time run the GraphModel, then the head.
 */
export async function graphModelFeatures(
  graph: tf.GraphModel,
  data: Dataset,
  options: GraphFeaturesOptions = {},
): Promise<Dataset & { readonly x: tf.Tensor; dispose(): void }> {
  const { outputNode, batchSize = 32 } = options;
  const features = await collectBatches(data, batchSize, (x) => {
    const out = outputNode === undefined ? graph.predict(x) : executeNode(graph, x, outputNode);
    const first = Array.isArray(out) ? out[0] : out;
    if (!first || first instanceof tf.Tensor === false) {
      throw new ConfigError("The GraphModel returned no tensor output.", { fix: "pass outputNode" });
    }
    return first.rank > 2 ? tf.reshape(first, [first.shape[0] ?? -1, -1]) : first;
  });
  return tensorDataset(features, data.labels);
}

/**
 * A pass-through backbone over precomputed features of shape `featureShape`:
 * the head is the whole trainable model. Use it to train a head on features
 * from an extractor graft cannot fine-tune (a GraphModel, another runtime).
 */
export function featureBackbone(featureShape: readonly number[], provenance: Provenance = {}): Backbone {
  const input = tf.input({ shape: [...featureShape], name: "features" });
  const identity = tf.layers.activation({ activation: "linear", name: "features_identity" }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: identity, name: "feature_backbone" });
  return {
    name: provenance.source ?? "features",
    model,
    inputSpec: { kind: "tensor", shape: [...featureShape] },
    featureShape: [...featureShape],
    provenance: { ...provenance, cutAt: provenance.cutAt ?? "features" },
  };
}

function executeNode(graph: tf.GraphModel, x: tf.Tensor, node: string): tf.Tensor | tf.Tensor[] {
  try {
    return graph.execute(x, node);
  } catch (error) {
    throw new ConfigError(`The GraphModel cannot compute node "${node}".`, {
      fix: `use one of its outputs (${graph.outputNodes.join(", ")}) or an intermediate node name from its model.json`,
      cause: error,
    });
  }
}
