import type * as tf from "@tensorflow/tfjs";

/** Returns `base`, or `base_2`, `base_3`… — the first name not in `taken`. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Names of every layer in `model`, in topological order. */
export function layerNames(model: tf.LayersModel): string[] {
  return model.layers.map((layer) => layer.name);
}

/**
 * A readable list of valid cut points for error messages: the layers nearest
 * the output first (where cuts usually go), and the closest match to `wanted`.
 */
export function describeLayerChoices(model: tf.LayersModel, wanted?: string): string {
  const names = layerNames(model);
  const shown = names.slice(-30).reverse();
  const more = names.length - shown.length;
  const suggestion = wanted === undefined ? undefined : closest(wanted, names);
  return (
    (suggestion ? `Did you mean "${suggestion}"? ` : "") +
    `Layers from the output down: ${shown.join(", ")}` +
    (more > 0 ? ` (and ${more} earlier layers; print model.layers to see all)` : "")
  );
}

function closest(wanted: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(wanted.length / 3)) + 1;
  for (const name of names) {
    const d = editDistance(wanted.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
