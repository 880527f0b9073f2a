/** Where a command writes: results to `stdout`, progress and logs to `stderr`. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress bars redraw in place only then. */
  readonly isTTY: boolean;
  /** Terminal width, for progress bars. */
  readonly columns: number;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns ?? 80,
  };
}

/** What every command receives besides its own options. */
export interface CommandContext {
  readonly io: CliIo;
  /** No progress and no log lines; results and errors still print. */
  readonly quiet: boolean;
  /** Aborted on Ctrl-C: training stops between batches and keeps its checkpoint. */
  readonly signal: AbortSignal;
  /** Log line to stderr unless quiet. */
  log(line: string): void;
  /** Result line to stdout. */
  out(line: string): void;
}

/** Builds a {@link CommandContext}. */
export function createContext(io: CliIo, quiet: boolean, signal: AbortSignal): CommandContext {
  return {
    io,
    quiet,
    signal,
    log: (line) => {
      if (!quiet) io.stderr(`${line}\n`);
    },
    out: (line) => io.stdout(`${line}\n`),
  };
}
