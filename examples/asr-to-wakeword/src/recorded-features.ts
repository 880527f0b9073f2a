import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { FeatureCache } from "@graft/core";

import { joinRecordings } from "./corpus/recorded-audio.js";
import type { RecordedFile } from "./corpus/recorded.js";
import type { DataContext, Recording } from "./datasets.js";
import { cacheKey, FEATURES } from "./features.js";
import { recordingFeatures } from "./stream.js";

/** Log-mel features of Debian's recordings laid end to end (cached), for the log-mel routes. */
export async function recordedFeatures(
  ctx: DataContext,
  name: string,
  files: readonly RecordedFile[],
): Promise<Recording> {
  const key = cacheKey(
    name,
    files.map((f) => `${f.path}@${f.piece?.start ?? 0}`),
    1,
  );
  const id = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 24);
  const sidecar = join(ctx.cacheDir, `recorded-${id}.json`);
  let about: Pick<Recording, "frames" | "seconds" | "placements"> | undefined;
  const { values } = await new FeatureCache(ctx.cacheDir).floats(key, async () => {
    const joined = await joinRecordings(files, FEATURES.sampleRate);
    const { features, frames } = recordingFeatures(joined.samples);
    about = { frames, seconds: joined.seconds, placements: joined.placements };
    await mkdir(ctx.cacheDir, { recursive: true });
    await writeFile(sidecar, JSON.stringify(about));
    return features;
  });
  about ??= JSON.parse(await readFile(sidecar, "utf8")) as Pick<
    Recording,
    "frames" | "seconds" | "placements"
  >;
  return { features: values, ...about };
}

/** Two recordings' features one after the other (the windows across the seam are few and harmless). */
export function joinFeatures(a: Recording, b: Recording): Recording {
  const features = new Float32Array(a.features.length + b.features.length);
  features.set(a.features);
  features.set(b.features, a.features.length);
  const offset = (a.frames * FEATURES.hopSize) / FEATURES.sampleRate;
  return {
    features,
    frames: a.frames + b.frames,
    seconds: a.seconds + b.seconds,
    placements: [
      ...(a.placements ?? []),
      ...(b.placements ?? []).map((p) => ({ ...p, start: p.start + offset, end: p.end + offset })),
    ],
  };
}
