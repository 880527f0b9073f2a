import * as tf from "@tensorflow/tfjs";

/**
 * One head model that averages the window posteriors of `heads` (each
 * reading the same `[windows, dims]` embeddings), so calibration, the test
 * and the live stream score the ensemble like any single head. The members'
 * weights stay theirs: disposing the ensemble frees nothing of them, and
 * disposing a member leaves the ensemble unusable.
 */
export function averagedHeads(heads: readonly tf.LayersModel[]): tf.LayersModel {
  const first = heads[0];
  if (first === undefined)
    throw new Error("averagedHeads: expected at least one head model, received none.");
  if (heads.length === 1) return first;
  const shape = first.inputs[0]?.shape.slice(1) ?? [];
  for (const [i, head] of heads.entries()) {
    const other = head.inputs[0]?.shape.slice(1) ?? [];
    if (other.join() !== shape.join())
      throw new Error(
        `averagedHeads: every head must read [${shape.join(", ")}]; head ${i} reads [${other.join(", ")}]. Train the members on the same embeddings.`,
      );
  }
  const input = tf.input({ shape: shape as number[], name: "ensemble_input" });
  // Every member head is named "graft_head": each gets a uniquely named wrapper over its own layers.
  const outputs = heads.map(
    (head, i) =>
      tf
        .model({ inputs: head.inputs, outputs: head.outputs, name: `ensemble_member${i + 1}` })
        .apply(input) as tf.SymbolicTensor,
  );
  const mean = tf.layers.average({ name: "ensemble_average" }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: mean, name: "ensemble_head" });
}
