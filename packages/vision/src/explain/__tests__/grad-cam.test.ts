import { join } from "node:path";

import { ConfigError, createTransferModel, cutBackbone, denseHead, loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { Jimp } from "jimp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { encode, makeImage, tempDir } from "../../__tests__/fixtures/synthetic-images.js";
import { gradCam } from "../grad-cam.js";
import { writeGradCamOverlay } from "../grad-cam-overlay.js";

const SIZE = 24;
const SQUARE = { top: 4, left: 14, side: 4 };

/**
 * A toy detector: a stride-2 3×3 averaging conv (layer "blur") lights up
 * where the image is bright; class 0 sums those activations ("something
 * bright"), class 1 is its negative.
 */
function toyModel(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 1] });
  const blur = tf.layers.conv2d({
    name: "blur",
    filters: 2,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    activation: "relu",
    useBias: false,
  });
  const flat = tf.layers.flatten({ name: "flat" });
  const dense = tf.layers.dense({ name: "score", units: 2, useBias: false });
  const output = dense.apply(flat.apply(blur.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const n = (SIZE / 2) * (SIZE / 2) * 2;
  const weights = [
    tf.fill([3, 3, 1, 2], 1 / 9),
    tf.tensor2d(
      Array.from({ length: n }, () => [1, -1]),
      [n, 2],
    ),
  ];
  blur.setWeights(weights.slice(0, 1));
  dense.setWeights(weights.slice(1));
  tf.dispose(weights);
  return model;
}

function squareImage(): tf.Tensor3D {
  return tf.tidy(() => {
    const values = new Float32Array(SIZE * SIZE);
    for (let y = 0; y < SQUARE.side; y++) {
      for (let x = 0; x < SQUARE.side; x++) values[(SQUARE.top + y) * SIZE + SQUARE.left + x] = 1;
    }
    return tf.tensor3d(values, [SIZE, SIZE, 1]);
  });
}

describe("gradCam", () => {
  let model: tf.LayersModel;
  let image: tf.Tensor3D;
  beforeAll(async () => {
    await loadEngine();
    model = toyModel();
    image = squareImage();
  });
  afterAll(() => {
    model.dispose();
    image.dispose();
  });

  it("should return an input-sized map in [0, 1] that peaks on the bright square", async () => {
    const before = tf.memory().numTensors;
    const heat = await gradCam(model, image, { layerName: "blur", classIndex: 0 });
    expect(heat.shape).toEqual([SIZE, SIZE]);
    const values = await heat.data();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeCloseTo(1, 5);
    const peak = values.indexOf(Math.max(...values));
    const [py, px] = [Math.floor(peak / SIZE), peak % SIZE];
    const { top, left, side } = SQUARE;
    expect(py).toBeGreaterThanOrEqual(top - 1);
    expect(py).toBeLessThanOrEqual(top + side);
    expect(px).toBeGreaterThanOrEqual(left - 1);
    expect(px).toBeLessThanOrEqual(left + side);
    // Far corner: cold.
    expect(values[(SIZE - 1) * SIZE]).toBeLessThan(0.05);
    heat.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should give an empty map for a class the square argues against, and default to the predicted class", async () => {
    const against = await gradCam(model, image, { layerName: "blur", classIndex: 1 });
    expect(Math.max(...(await against.data()))).toBe(0);
    const predicted = await gradCam(model, image.expandDims(0), { layerName: "blur" });
    expect(Math.max(...(await predicted.data()))).toBeCloseTo(1, 5);
    tf.dispose([against, predicted]);
  });

  it("should name the choices for a wrong layer and reject a bad class", async () => {
    await expect(gradCam(model, image, { layerName: "nope" })).rejects.toThrow(ConfigError);
    await expect(gradCam(model, image, { layerName: "flat" })).rejects.toThrow(
      /does not output a \[h, w, c\] feature map/,
    );
    await expect(gradCam(model, image, { layerName: "blur", classIndex: 5 })).rejects.toThrow(
      /classIndex must be/,
    );
  });

  it("should work on a transfer model, whose head layers are shared with its feature-only twin", async () => {
    const transfer = createTransferModel({
      backbone: cutBackbone(model, { at: "blur", pooling: "avg" }),
      task: { kind: "binary", labels: ["no", "yes"] },
      head: denseHead({ units: [4] }),
      seed: 1,
    });
    await expect(gradCam(transfer.model, image, { layerName: "nope" })).rejects.toThrow(/no layer named "nope".*"blur"/s);
    const heat = await gradCam(transfer.model, image, { layerName: "blur", classIndex: 0 });
    expect(heat.shape).toEqual(image.shape.slice(-3, -1));
    heat.dispose();
  });
});

describe("writeGradCamOverlay", () => {
  it("should write a PNG of the image's size, hot over the square", async () => {
    await loadEngine();
    const { dir, cleanup } = await tempDir();
    const png = await encode(
      makeImage(48, 48, () => [128, 128, 128, 255]),
      "image/png",
    );
    const heat = tf.tidy(() => {
      const v = new Float32Array(SIZE * SIZE);
      v[5 * SIZE + 15] = 1;
      return tf.tensor2d(v, [SIZE, SIZE]);
    });
    const out = join(dir, "overlay.png");
    await writeGradCamOverlay(heat, png, out);
    heat.dispose();
    const written = await Jimp.read(out);
    expect([written.bitmap.width, written.bitmap.height]).toEqual([48, 48]);
    const pixel = (x: number, y: number): number[] => [
      ...written.bitmap.data.subarray((y * 48 + x) * 4, (y * 48 + x) * 4 + 3),
    ];
    const [hr, , hb] = pixel(30, 10) as [number, number, number];
    const [cr, , cb] = pixel(2, 45) as [number, number, number];
    expect(hr).toBeGreaterThan(hb);
    expect(cb).toBeGreaterThan(cr);
    await cleanup();
  });
});
