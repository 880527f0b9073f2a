import * as tf from "@tensorflow/tfjs";

/** Variables that share one learning rate, with their own optimizer state. */
export interface ParamGroup {
  readonly name: string;
  readonly variables: readonly tf.Variable[];
  readonly learningRate: number;
  readonly optimizer: tf.Optimizer;
}

/**
 * TF.js optimizers have no parameter groups, so discriminative learning rates
 * use one optimizer per group: Adam or RMSProp state is per variable anyway,
 * so this equals one optimizer with per-group rates.
 */
export function createParamGroup(
  name: string,
  weights: readonly tf.LayerVariable[],
  kind: "adam" | "sgd" | "rmsprop",
  learningRate: number,
): ParamGroup {
  const optimizer =
    kind === "sgd"
      ? tf.train.sgd(learningRate)
      : kind === "rmsprop"
        ? tf.train.rmsprop(learningRate)
        : tf.train.adam(learningRate);
  return { name, variables: weights.map((w) => w.read() as tf.Variable), learningRate, optimizer };
}

/**
 * One optimisation step: gradients of `loss` for every group's variables,
 * each group updated by its own optimizer. Returns the loss value (the caller
 * owns it).
 */
export function applyStep(groups: readonly ParamGroup[], loss: () => tf.Scalar): tf.Scalar {
  const { value, grads } = tf.variableGrads(loss, groups.flatMap((g) => g.variables));
  applyGroupGradients(groups, grads);
  tf.dispose(grads);
  return value;
}

/** Updates each group by its own optimizer from `grads` (by variable name); the caller keeps `grads`. */
export function applyGroupGradients(groups: readonly ParamGroup[], grads: tf.NamedTensorMap): void {
  for (const group of groups) {
    if (group.variables.length === 0 || group.learningRate === 0) continue;
    const named: tf.NamedTensorMap = {};
    for (const v of group.variables) {
      const g = grads[v.name];
      if (g) named[v.name] = g;
    }
    group.optimizer.applyGradients(named);
  }
}

/** Releases the groups' optimizer state. */
export function disposeParamGroups(groups: readonly ParamGroup[]): void {
  for (const g of groups) g.optimizer.dispose();
}
