import type * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import { describeLayerChoices } from "../backbone/layer-names.js";

/**
 * How much of the backbone trains:
 * - `"frozen"`: none of it (only the head trains);
 * - `"trainable"`: all of it;
 * - `{ top: n }`: the last `n` backbone layers that have weights;
 * - `{ from: name }`: layer `name` and every layer after it.
 */
export type FreezePolicy = "frozen" | "trainable" | { readonly top: number } | { readonly from: string };

/**
 * Sets `trainable` on each backbone layer by `policy` and returns the names
 * of the layers left trainable. Layers without weights follow their position.
 */
export function applyFreezePolicy(backbone: tf.LayersModel, policy: FreezePolicy): string[] {
  const layers = backbone.layers;
  const firstTrainable = firstTrainableIndex(backbone, policy);
  const trainable: string[] = [];
  layers.forEach((layer, i) => {
    layer.trainable = i >= firstTrainable;
    if (layer.trainable && layer.weights.length > 0) trainable.push(layer.name);
  });
  return trainable;
}

function firstTrainableIndex(backbone: tf.LayersModel, policy: FreezePolicy): number {
  const layers = backbone.layers;
  if (policy === "frozen") return layers.length;
  if (policy === "trainable") return 0;
  if ("top" in policy) {
    const { top } = policy;
    if (!Number.isInteger(top) || top < 0) {
      throw new ConfigError(`Freeze policy { top: ${top} } needs a non-negative integer.`);
    }
    if (top === 0) return layers.length;
    let seen = 0;
    for (let i = layers.length - 1; i >= 0; i--) {
      if ((layers[i]?.weights.length ?? 0) > 0 && ++seen === top) return i;
    }
    return 0;
  }
  const index = layers.findIndex((l) => l.name === policy.from);
  if (index < 0) {
    throw new ConfigError(`Cannot unfreeze from "${policy.from}": no such layer in the backbone.`, {
      fix: describeLayerChoices(backbone, policy.from),
    });
  }
  return index;
}

/** A freeze policy as text, for logs and `graft.json`: `frozen`, `trainable`, `top:2`, `from:block_16`. */
export function formatFreezePolicy(policy: FreezePolicy): string {
  if (typeof policy === "string") return policy;
  return "top" in policy ? `top:${policy.top}` : `from:${policy.from}`;
}

/** Parses {@link formatFreezePolicy}'s text form (used by the CLI). */
export function parseFreezePolicy(text: string): FreezePolicy {
  if (text === "frozen" || text === "trainable") return text;
  const [kind, value] = text.split(":", 2);
  if (kind === "top" && value !== undefined && /^\d+$/.test(value)) return { top: Number(value) };
  if (kind === "from" && value) return { from: value };
  throw new ConfigError(`Unknown freeze policy "${text}".`, {
    fix: 'use "frozen", "trainable", "top:<n>" or "from:<layer name>"',
  });
}
