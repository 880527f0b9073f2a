import { ConfigError, loadEngine } from "@graft/core";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { encode, makeImage } from "../../__tests__/fixtures/synthetic-images.js";
import { imagePreprocessor, restoreImagePreprocessor } from "../image-preprocessor.js";

/** Preprocesses one image buffer and returns the floats as rows [y][x][c]. */
async function run(
  bytes: Buffer,
  options: Parameters<typeof imagePreprocessor>[0],
): Promise<number[][][]> {
  const pre = imagePreprocessor(options);
  const t = await pre.process([bytes]);
  const rows = (await t.array()) as number[][][][];
  t.dispose();
  return rows[0] ?? [];
}

const png = (w: number, h: number, paint: Parameters<typeof makeImage>[2]): Promise<Buffer> =>
  encode(makeImage(w, h, paint), "image/png");

describe("imagePreprocessor", () => {
  beforeAll(async () => {
    await loadEngine();
  });

  it("should crop the centre exactly in cover mode", async () => {
    const bytes = await png(6, 4, (x, y) => [x * 40, y * 60, 0, 255]);
    const out = await run(bytes, { height: 4, width: 4, fit: "cover" });
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        expect(out[y]?.[x]?.[0]).toBeCloseTo(((x + 1) * 40) / 255, 6);
        expect(out[y]?.[x]?.[1]).toBeCloseTo((y * 60) / 255, 6);
      }
    }
  });

  it("should resize then crop in cover mode", async () => {
    // 2×2 blocks of one colour, so nearest-neighbour halving is unambiguous.
    const bytes = await png(8, 4, (x) => [(x >> 1) * 60, 0, 0, 255]);
    const out = await run(bytes, { height: 2, width: 2, fit: "cover", resample: "nearest" });
    expect(out.map((row) => row.map((p) => Math.round((p[0] ?? 0) * 255)))).toEqual([
      [60, 120],
      [60, 120],
    ]);
  });

  it("should letterbox with black in contain mode", async () => {
    const bytes = await png(4, 1, (x) => [50 + x, 200, 10, 255]);
    const out = await run(bytes, { height: 4, width: 4, fit: "contain" });
    const red = out.map((row) => row.map((p) => Math.round((p[0] ?? 0) * 255)));
    // The odd padding row goes to the bottom.
    expect(red).toEqual([
      [0, 0, 0, 0],
      [50, 51, 52, 53],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it("should ignore the aspect ratio in stretch mode", async () => {
    const bytes = await png(2, 1, (x) => [x * 255, 0, 0, 255]);
    const out = await run(bytes, { height: 2, width: 4, fit: "stretch", resample: "nearest" });
    expect(out.map((row) => row.map((p) => p[0]))).toEqual([
      [0, 0, 1, 1],
      [0, 0, 1, 1],
    ]);
  });

  it("should replicate a grayscale image into 3 channels and keep 1 channel as is", async () => {
    const gray = await encode(
      makeImage(3, 3, (x, y) => [x * 50 + y * 10, x * 50 + y * 10, x * 50 + y * 10, 255]),
      "image/png",
      { gray: true },
    );
    const rgb = await run(gray, { height: 3, width: 3 });
    const one = await run(gray, { height: 3, width: 3, channels: 1 });
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) {
        const v = (x * 50 + y * 10) / 255;
        expect(rgb[y]?.[x]).toHaveLength(3);
        rgb[y]?.[x]?.forEach((c) => expect(c).toBeCloseTo(v, 6));
        expect(one[y]?.[x]?.[0]).toBeCloseTo(v, 6);
      }
    }
  });

  it("should convert RGB to gray by luminance and drop alpha", async () => {
    const bytes = await png(2, 1, (x) => (x === 0 ? [100, 150, 200, 255] : [100, 150, 200, 40]));
    const gray = await run(bytes, { height: 1, width: 2, channels: 1 });
    const expected = (0.299 * 100 + 0.587 * 150 + 0.114 * 200) / 255;
    expect(gray[0]?.[0]?.[0]).toBeCloseTo(expected, 6);
    expect(gray[0]?.[1]?.[0]).toBeCloseTo(expected, 6);
    const rgb = await run(bytes, { height: 1, width: 2 });
    expect(rgb[0]?.[1]?.map((v) => Math.round(v * 255))).toEqual([100, 150, 200]);
  });

  it("should normalise to unit, symmetric and ImageNet ranges", async () => {
    const bytes = await png(1, 1, () => [255, 0, 128, 255]);
    const expectClose = (got: number[] | undefined, want: number[]): void =>
      want.forEach((w, i) => expect(got?.[i]).toBeCloseTo(w, 5));
    expectClose((await run(bytes, { height: 1, width: 1 }))[0]?.[0], [1, 0, 128 / 255]);
    expectClose((await run(bytes, { height: 1, width: 1, normalization: "symmetric" }))[0]?.[0], [
      1,
      -1,
      128 / 127.5 - 1,
    ]);
    expectClose((await run(bytes, { height: 1, width: 1, normalization: "imagenet" }))[0]?.[0], [
      (1 - 0.485) / 0.229,
      (0 - 0.456) / 0.224,
      (128 / 255 - 0.406) / 0.225,
    ]);
  });

  it("should be deterministic, batch to [n,h,w,c] float32 and not leak tensors", async () => {
    const images = await Promise.all(
      [0, 1, 2].map((k) =>
        png(20, 13, (x, y) => [(x * 13 + k * 40) % 256, (y * 19) % 256, k * 80, 255]),
      ),
    );
    const pre = imagePreprocessor({ height: 8, width: 8, normalization: "imagenet" });
    const before = tf.memory().numTensors;
    const a = await pre.process(images);
    const b = await pre.process(images);
    expect(a.shape).toEqual([3, 8, 8, 3]);
    expect(a.dtype).toBe("float32");
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("should round-trip its config and expose the input spec", () => {
    const pre = imagePreprocessor({
      height: 96,
      width: 64,
      channels: 1,
      fit: "contain",
      normalization: "symmetric",
    });
    expect(pre.name).toBe("vision:image");
    expect(pre.spec).toEqual({
      kind: "image",
      height: 96,
      width: 64,
      channels: 1,
      normalization: "symmetric",
    });
    const restored = restoreImagePreprocessor(JSON.parse(JSON.stringify(pre.config)));
    expect(restored.config).toEqual(pre.config);
    expect(restored.spec).toEqual(pre.spec);
  });

  it("should reject invalid options with a ConfigError", () => {
    expect(() => imagePreprocessor({ height: 0, width: 8 })).toThrow(ConfigError);
    expect(() => imagePreprocessor({ height: 8, width: 8, fit: "fill" as never })).toThrow(
      /fit must be one of/,
    );
    expect(() => restoreImagePreprocessor("cover")).toThrow(ConfigError);
  });
});
