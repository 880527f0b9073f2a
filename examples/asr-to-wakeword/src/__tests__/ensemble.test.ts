import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";

import { averagedHeads } from "../embedding/ensemble.js";

/** A head like the route's: [4, 3] in, one sigmoid out, always named "graft_head". */
function head(seed: number, shape = [4, 3]): tf.LayersModel {
  const input = tf.input({ shape });
  const flat = tf.layers.flatten().apply(input);
  const out = tf.layers
    .dense({
      units: 1,
      activation: "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "graft_head" });
}

describe("averagedHeads", () => {
  it("should score the mean of its members' posteriors, and hold no tensors of its own", () => {
    const members = [head(1), head(2), head(3)];
    const before = tf.memory().numTensors;
    const ensemble = averagedHeads(members);
    expect(tf.memory().numTensors).toBe(before);
    const x = tf.randomUniform([5, 4, 3], -1, 1, "float32", 7);
    const each = members.map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync()));
    const mean = Array.from((ensemble.predict(x) as tf.Tensor).dataSync());
    expect(new Set(each.map((e) => e[0])).size).toBe(3);
    mean.forEach((v, i) =>
      expect(v).toBeCloseTo(
        ((each[0]?.[i] ?? 0) + (each[1]?.[i] ?? 0) + (each[2]?.[i] ?? 0)) / 3,
        5,
      ),
    );
    tf.dispose(x);
    tf.disposeVariables();
  });

  it("should pass one head through, and refuse heads that read different shapes", () => {
    const one = head(1);
    expect(averagedHeads([one])).toBe(one);
    expect(() => averagedHeads([one, head(2, [5, 3])])).toThrow(
      /every head must read \[4, 3\]; head 1 reads \[5, 3\]/,
    );
    expect(() => averagedHeads([])).toThrow(/at least one head/);
  });
});
