import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** Where Debian's `dataset-fashion-mnist` installs the IDX files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** The ten classes, in label order. */
export const FASHION_LABELS = [
  "t-shirt/top",
  "trouser",
  "pullover",
  "dress",
  "coat",
  "sandal",
  "shirt",
  "sneaker",
  "bag",
  "ankle boot",
] as const;

/** Images of one split: `count` × `rows` × `cols` grey bytes, and their labels. */
export interface FashionImages {
  readonly pixels: Uint8Array;
  readonly labels: readonly number[];
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Reads Fashion-MNIST's `train` (60 000) or `t10k` (10 000) split from the
 * Debian package's gzipped IDX files, keeping the first `limit` images
 * (the files are already shuffled, classes are balanced throughout).
 */
export async function readFashionMnist(
  split: "train" | "t10k",
  limit = Infinity,
  dir = FASHION_MNIST_DIR,
): Promise<FashionImages> {
  const read = async (kind: "images-idx3" | "labels-idx1") => {
    const path = join(dir, `${split}-${kind}-ubyte.gz`);
    try {
      return gunzipSync(await readFile(path));
    } catch (error) {
      throw new Error(
        `cannot read ${path} (${(error as Error).message}). Fix: apt-get install -y dataset-fashion-mnist`,
        { cause: error },
      );
    }
  };
  const images = await read("images-idx3");
  const labels = await read("labels-idx1");
  if (images.readUInt32BE(0) !== 0x803 || labels.readUInt32BE(0) !== 0x801) {
    throw new Error(`${dir}: ${split} files are not IDX image/label files.`);
  }
  const count = Math.min(limit, images.readUInt32BE(4), labels.readUInt32BE(4));
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  return {
    pixels: images.subarray(16, 16 + count * rows * cols),
    labels: Array.from(labels.subarray(8, 8 + count)),
    count,
    rows,
    cols,
  };
}
