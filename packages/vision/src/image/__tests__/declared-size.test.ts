import { DataError } from "@graft/core";
import { describe, expect, it } from "vitest";

import { encode, makeImage } from "../../__tests__/fixtures/synthetic-images.js";
import type { Mime } from "../../__tests__/fixtures/synthetic-images.js";
import { decodeImage, MAX_IMAGE_PIXELS } from "../decode-image.js";
import { declaredSize } from "../declared-size.js";

const image = makeImage(8, 6, () => [10, 20, 30, 255]);

/** Rewrites the size fields of an encoded image, as a damaged or hostile header would. */
function claim(bytes: Buffer, mime: Mime, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  if (mime === "image/png") {
    out.writeUInt32BE(width, 16);
    out.writeUInt32BE(height, 20);
  } else if (mime === "image/bmp") {
    out.writeInt32LE(width, 18);
    out.writeInt32LE(height, 22);
  } else if (mime === "image/tiff") {
    // Rewrite the ImageWidth (256) and ImageLength (257) entries of the first directory.
    const little = out.toString("latin1", 0, 2) === "II";
    const u16 = (at: number) => (little ? out.readUInt16LE(at) : out.readUInt16BE(at));
    const ifd = little ? out.readUInt32LE(4) : out.readUInt32BE(4);
    for (let i = 0, at = ifd + 2; i < u16(ifd); i++, at += 12) {
      const tag = u16(at);
      if (tag !== 256 && tag !== 257) continue;
      const value = tag === 256 ? width : height;
      if (little) {
        out.writeUInt16LE(4, at + 2);
        out.writeUInt32LE(value, at + 8);
      } else {
        out.writeUInt16BE(4, at + 2);
        out.writeUInt32BE(value, at + 8);
      }
    }
  } else if (mime === "image/gif") {
    out.writeUInt16LE(width, 6);
    out.writeUInt16LE(height, 8);
  } else {
    const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
    out.writeUInt16BE(height, sof + 5);
    out.writeUInt16BE(width, sof + 7);
  }
  return out;
}

describe("declaredSize", () => {
  it.each<Mime>(["image/png", "image/jpeg", "image/bmp", "image/gif", "image/tiff"])(
    "should read the size from a %s header",
    async (mime) => {
      expect(declaredSize(await encode(image, mime))).toEqual({ width: 8, height: 6 });
    },
  );

  it("should know nothing about other bytes", async () => {
    expect(declaredSize(Buffer.from("hello"))).toBeUndefined();
    expect(declaredSize(Buffer.from("II*\0\xff\xff\xff\x00", "latin1"))).toBeUndefined();
  });
});

describe("decodeImage on huge declared sizes", () => {
  it.each<[Mime, number]>([
    ["image/png", 20_000],
    ["image/jpeg", 60_000],
    ["image/bmp", 30_000],
    ["image/gif", 65_535],
    ["image/tiff", 50_000],
  ])("should refuse a %s declaring %i² pixels before allocating", async (mime, side) => {
    const bytes = claim(await encode(image, mime), mime, side, side);
    const rss = process.memoryUsage().rss;
    const error = await decodeImage(bytes, "huge.img").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^huge\\.img: image header declares ${side}×${side} pixels .* at most ${MAX_IMAGE_PIXELS / 1e6} MP`,
      ),
    );
    expect((error as DataError).fix).toMatch(/downscale/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100e6);
  });
});
