import type { StreamScores } from "@graft/audio";
import { peakSmoothed } from "@graft/audio";

import { CONFUSERS } from "./corpus/vocabulary.js";
import type { Placement } from "./stream.js";

/** A stream's scores split into everyday audio and the near misses said in it. */
export interface NearMissSplit {
  /**
   * The stream with every window that hears part of a near miss scored 0
   * and its time left out of `hours`: the audio a detector meets every day,
   * where openWakeWord's false accepts per hour are counted.
   */
  readonly everyday: StreamScores;
  /** Each near miss said in the stream, with the best smoothed score of the windows that hear it. */
  readonly nearMisses: readonly { readonly text: string; readonly score: number }[];
}

const NEAR_MISS = new Set(CONFUSERS);

/**
 * Splits a scored negative stream by what it says: our synthetic streams
 * carry a near miss ("hey graph", "graft", …) in one utterance of ten, about
 * 150 an hour, far more than anyone hears in a day. Counting them as false
 * accepts per hour measures how well a detector tells "graft" from "graph",
 * which is worth knowing but is a different number from everyday false
 * accepts; both are reported.
 */
export function splitNearMisses(
  stream: StreamScores,
  placements: readonly Placement[],
  smoothing: number,
): NearMissSplit {
  const nearMisses: { text: string; score: number }[] = [];
  for (const p of placements) {
    const heard = windowsHearing(stream, p);
    if (heard)
      nearMisses.push({
        text: p.text,
        score: peakSmoothed(stream.scores.slice(heard.first, heard.last + 1), smoothing),
      });
  }
  return { everyday: everydayAudio(stream, placements), nearMisses };
}

/** {@link NearMissSplit.everyday} alone: it does not depend on the detector's smoothing. */
export function everydayAudio(
  stream: StreamScores,
  placements: readonly Placement[],
): StreamScores {
  const heard = new Uint8Array(stream.scores.length);
  for (const p of placements) {
    const range = windowsHearing(stream, p);
    if (range) heard.fill(1, range.first, range.last + 1);
  }
  const scores = stream.scores.map((s, i) => (heard[i] ? 0 : s));
  const masked = heard.reduce((n, h) => n + h, 0);
  return { ...stream, scores, hours: stream.hours - (masked * stream.hopSeconds) / 3600 };
}

/** The windows that hear part of `p` when it is a near miss (window i spans [i·hop, i·hop + window]). */
function windowsHearing(
  { scores, windowSeconds, hopSeconds }: StreamScores,
  p: Placement,
): { first: number; last: number } | undefined {
  if (!NEAR_MISS.has(p.text)) return undefined;
  const first = Math.max(0, Math.ceil((p.start - windowSeconds) / hopSeconds));
  const last = Math.min(scores.length - 1, Math.floor(p.end / hopSeconds));
  return last < first ? undefined : { first, last };
}

/** Near misses at or over `threshold`, overall and by phrase. */
export function nearMissAccepts(
  nearMisses: NearMissSplit["nearMisses"],
  threshold: number,
): {
  accepted: number;
  total: number;
  byText: Record<string, { accepted: number; total: number }>;
} {
  const byText: Record<string, { accepted: number; total: number }> = {};
  let accepted = 0;
  for (const { text, score } of nearMisses) {
    const entry = (byText[text] ??= { accepted: 0, total: 0 });
    entry.total++;
    if (score >= threshold) {
      entry.accepted++;
      accepted++;
    }
  }
  return { accepted, total: nearMisses.length, byText };
}
