import { loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { loadNsfwjsMobileNetV2 } from "../../backbones/nsfwjs-model.js";
import { gradCam } from "../grad-cam.js";

describe("gradCam on a residual network", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should explain the pre-trained MobileNetV2, also at a layer a skip connection jumps over", async () => {
    const model = await loadNsfwjsMobileNetV2();
    const x = tf.randomUniform([224, 224, 3], 0, 1, "float32", 2);
    const before = tf.memory().numTensors;
    // block_15_project_BN feeds block_15_add, whose other input skips over it.
    for (const layerName of ["block_15_project_BN", "out_relu"]) {
      const heat = await gradCam(model, x, { layerName });
      expect(heat.shape).toEqual([224, 224]);
      const values = await heat.data();
      expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
      // A map reaching 1 proves a real gradient reached the layer (a missed one gives all zeros).
      expect(Math.max(...values)).toBeCloseTo(1, 5);
      heat.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
