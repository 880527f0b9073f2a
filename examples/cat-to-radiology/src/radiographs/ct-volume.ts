import { readFile } from "node:fs/promises";

import { readTar } from "./tar.js";

/** Where Debian's `invesalius-examples` puts its head CT. */
export const CRANIUM_INV3 = "/usr/share/doc/invesalius-examples/examples/Cranium.inv3";

/** A CT volume as linear attenuation relative to water (air 0, water 1, dense bone ≈ 3). */
export interface CtVolume {
  /** `depth × height × width` values, slice by slice (z, then y, then x). */
  readonly mu: Float32Array;
  readonly depth: number;
  readonly height: number;
  readonly width: number;
  /** Voxel size in millimetres: [x, y, z]. */
  readonly spacing: readonly [number, number, number];
  /** Where the volume came from, for logs and metrics.json. */
  readonly source: string;
}

/**
 * Loads the CT of an InVesalius project (`.inv3`: a tar.gz holding
 * `main.plist` and the int16 Hounsfield volume `matrix.dat`) and converts HU
 * to attenuation relative to water: μ = max(0, 1 + HU / 1000).
 */
export async function loadCtVolume(path = CRANIUM_INV3): Promise<CtVolume> {
  const files = await readFile(path).then(readTar, (error: unknown) => {
    throw new Error(
      `cannot read the head CT ${path} (${(error as Error).message}). Fix: apt-get install -y invesalius-examples`,
      { cause: error },
    );
  });
  const find = (name: string): Buffer => {
    for (const [key, value] of files) if (key === name || key.endsWith(`/${name}`)) return value;
    throw new Error(`${path} holds no ${name}; expected an InVesalius 3 project.`);
  };
  const plist = find("main.plist").toString("utf8");
  const matrix = plist.match(/<key>matrix<\/key>\s*<dict>([\s\S]*?)<\/dict>/)?.[1] ?? "";
  const dtype = matrix.match(/<key>dtype<\/key>\s*<string>(\w+)<\/string>/)?.[1];
  const shape = numbersAfter(matrix, "shape");
  const spacing = numbersAfter(plist, "spacing");
  const [depth = 0, height = 0, width = 0] = shape;
  const [sx = 1, sy = 1, sz = 1] = spacing;
  if (dtype !== "int16" || shape.length !== 3) {
    throw new Error(
      `${path}: expected an int16 volume of 3 dimensions, got ${dtype} [${shape.join(", ")}].`,
    );
  }
  const raw = find("matrix.dat");
  const voxels = depth * height * width;
  if (raw.length !== voxels * 2) {
    throw new Error(
      `${path}: matrix.dat has ${raw.length} bytes, expected ${voxels * 2} for [${shape.join(", ")}] int16.`,
    );
  }
  const mu = new Float32Array(voxels);
  for (let i = 0; i < voxels; i++) mu[i] = Math.max(0, 1 + raw.readInt16LE(i * 2) / 1000);
  return { mu, depth, height, width, spacing: [sx, sy, sz], source: path };
}

function numbersAfter(plist: string, key: string): number[] {
  const array =
    plist.match(new RegExp(`<key>${key}</key>\\s*<array>([\\s\\S]*?)</array>`))?.[1] ?? "";
  return [...array.matchAll(/<(?:integer|real)>([^<]+)<\/(?:integer|real)>/g)].map((m) =>
    Number(m[1]),
  );
}
