import type { ProgressEvent } from "@graft/core";

import type { CommandContext } from "./io.js";

/**
 * Turns core's training events into output: on a TTY a bar redrawn in place
 * (phase, epoch, batch, loss, ETA) plus one line per epoch; otherwise only the
 * per-epoch lines; nothing with `--quiet`.
 */
export function trainingProgress(context: CommandContext): (event: ProgressEvent) => void {
  const { io, quiet } = context;
  let drawn = false;
  const clear = () => {
    if (drawn) io.stderr("\r\x1b[2K");
    drawn = false;
  };
  return (event) => {
    if (quiet) return;
    if (event.type === "phase-begin") {
      clear();
      const cache = event.cachedFeatures ? ", head on cached backbone features" : "";
      io.stderr(
        `phase ${event.phase}/${event.phases} "${event.phaseName}": ${event.epochs} epoch${event.epochs === 1 ? "" : "s"}${cache}\n`,
      );
    } else if (event.type === "batch-end" && io.isTTY) {
      const width = Math.max(10, Math.min(30, io.columns - 60));
      const line = `  ${event.phaseName} ${event.epoch}/${event.epochs} ${bar(event.batch / event.batches, width)} ${event.batch}/${event.batches} loss ${fmt(event.loss)} ETA ${duration(event.etaSeconds)}`;
      io.stderr(`\r\x1b[2K${line.slice(0, io.columns - 1)}`);
      drawn = true;
    } else if (event.type === "epoch-end") {
      clear();
      const metrics = Object.entries(event.metrics)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join("  ");
      io.stderr(
        `  ${event.phaseName} epoch ${event.epoch}/${event.epochs}  ${metrics}  ETA ${duration(event.etaSeconds)}\n`,
      );
    } else if (event.type === "end") {
      clear();
    }
  };
}

/** `[#####-----]` for a fraction in [0, 1]. */
export function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** Seconds as `m:ss` (or `h:mm:ss`); `?` when unknown. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** A metric for humans: 4 significant digits. */
export function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return Number(value.toPrecision(4)).toString();
}

/** A simple progress counter for non-training loops (features, scoring). */
export function stepProgress(
  context: CommandContext,
  label: string,
  total: number,
): { tick(done: number): void; done(): void } {
  const { io, quiet } = context;
  const active = !quiet && io.isTTY;
  return {
    tick(done) {
      if (active) io.stderr(`\r\x1b[2K${label} ${bar(done / total, 20)} ${done}/${total}`);
    },
    done() {
      if (active) io.stderr("\r\x1b[2K");
    },
  };
}
