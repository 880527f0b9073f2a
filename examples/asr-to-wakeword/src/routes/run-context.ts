import type { Detection } from "@graft/audio";

import type { RecordedFile } from "../corpus/recorded.js";
import type { DataContext } from "../datasets.js";
import type { DemoRecording } from "../live-demo.js";
import type { DemoOptions } from "../options.js";

/** What every route's runner gets from main: data context, options, Debian's recordings split, the live demo's recording, logging. */
export interface RunContext {
  readonly ctx: DataContext;
  readonly options: DemoOptions;
  readonly recorded: {
    readonly train: readonly RecordedFile[];
    readonly calibration: readonly RecordedFile[];
    readonly test: readonly RecordedFile[];
  };
  readonly demo: DemoRecording;
  readonly log: (line: string) => void;
  /** Seconds since the demo started, for progress lines. */
  readonly elapsed: () => string;
}

/** The line a route's live detector prints over the demo recording. */
export function liveLine(run: RunContext, name: string, detections: readonly Detection[]): string {
  const { demo } = run;
  return (
    `${name}: live detector over a ${(demo.samples.length / 16000).toFixed(0)} s recording (wake phrase at ${demo.planted.map((t) => `${t.toFixed(1)} s`).join(", ")}): ` +
    (detections.length === 0
      ? "no detections"
      : `detections at ${detections.map((d) => `${d.time.toFixed(1)} s (${d.score.toFixed(2)})`).join(", ")}`)
  );
}
