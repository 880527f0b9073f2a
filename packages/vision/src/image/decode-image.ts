import { readFile } from "node:fs/promises";

import { DataError } from "@graft/core";
import { Jimp } from "jimp";

import { declaredSize } from "./declared-size.js";

/** A decoded image: jimp's RGBA bitmap. */
export type JimpImage = Awaited<ReturnType<typeof Jimp.read>>;

/** What the vision plugin accepts as one raw image: a file path or the file's bytes. */
export type ImageSource = string | Buffer;

/**
 * Largest image decoded, in pixels (jpeg-js's own default limit): the
 * decoders allocate 4 bytes per pixel before reading any pixel data.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** File extensions the decoder understands (PNG, JPEG, BMP, TIFF, GIF). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  ".png",
  ".jpg",
  ".jpeg",
  ".bmp",
  ".tif",
  ".tiff",
  ".gif",
];

/**
 * Decodes a PNG, JPEG, BMP, TIFF or GIF image from a path or a Buffer. The
 * format is sniffed from the bytes, not the file name. Unreadable or corrupt
 * input raises a `DataError` naming the file (or `label` for a buffer).
 */
export async function decodeImage(source: ImageSource, label?: string): Promise<JimpImage> {
  const name = label ?? describeSource(source);
  let bytes: Buffer;
  if (typeof source === "string") {
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new DataError(`cannot read image file (${firstLine(error)})`, {
        file: name,
        cause: error,
      });
    }
  } else {
    bytes = source;
  }
  if (bytes.length === 0) {
    throw new DataError("image file is empty", {
      file: name,
      fix: "remove it or replace it with a valid image",
    });
  }
  const size = declaredSize(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new DataError(
      `image header declares ${size.width}×${size.height} pixels (${Math.round((size.width * size.height) / 1e6)} MP); graft decodes images of at most ${MAX_IMAGE_PIXELS / 1e6} MP`,
      {
        file: name,
        fix: "downscale the image (e.g. to 2048 px on its long side) or delete it if its header is damaged",
      },
    );
  }
  try {
    const image = await Jimp.read(bytes);
    if (image.bitmap.width < 1 || image.bitmap.height < 1) throw new Error("image has no pixels");
    return image;
  } catch (error) {
    throw new DataError(`not a decodable PNG, JPEG, BMP, TIFF or GIF image (${firstLine(error)})`, {
      file: name,
      cause: error,
      fix: "re-export the file as PNG or JPEG, delete it, or pass { skipInvalid: true } to skip bad files",
    });
  }
}

/** How an image source is named in messages. */
export function describeSource(source: ImageSource): string {
  return typeof source === "string" ? source : `<buffer of ${source.length} bytes>`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
