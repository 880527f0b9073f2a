import { loadAudio } from "@graft/audio";

import type { Placement } from "../stream.js";
import type { RecordedFile } from "./recorded.js";

/** Recordings laid end to end at `sampleRate`, 0.25 s of silence apart, with where each one is. */
export interface RecordedAudio {
  readonly samples: Float32Array;
  readonly seconds: number;
  /** One per recording: its source (`recorded es`, `recorded moh`, …) and time span. */
  readonly placements: readonly Placement[];
}

/** Loads `files` (pieces of long ones as cut by `listRecordings`) and joins them into one recording. */
export async function joinRecordings(
  files: readonly RecordedFile[],
  sampleRate: number,
): Promise<RecordedAudio> {
  const gap = Math.round(0.25 * sampleRate);
  const parts: Float32Array[] = [];
  const placements: Placement[] = [];
  let loaded: { path: string; samples: Float32Array } | undefined;
  let at = 0;
  for (const file of files) {
    // Pieces of one track come in order: the track is decoded once.
    if (loaded?.path !== file.path)
      loaded = { path: file.path, samples: await loadAudio(file.path, sampleRate) };
    const { samples } = loaded;
    const part = file.piece
      ? samples.subarray(
          Math.round(file.piece.start * sampleRate),
          Math.round((file.piece.start + file.piece.seconds) * sampleRate),
        )
      : samples;
    parts.push(part);
    placements.push({
      start: at / sampleRate,
      end: (at + part.length) / sampleRate,
      text: `recorded ${file.source}`,
    });
    at += part.length + gap;
  }
  const joined = new Float32Array(Math.max(0, at - gap));
  placements.forEach((p, i) =>
    joined.set(parts[i] as Float32Array, Math.round(p.start * sampleRate)),
  );
  return { samples: joined, seconds: joined.length / sampleRate, placements };
}
