import { GraftError } from "@graft/core";

/** Bad command-line arguments: exit code 2, like commander's own parse errors. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** Ctrl-C stopped the command; its checkpoint (if any) is kept. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}

/** Exit codes of `graft`. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * Prints an error as one line (plus a `fix:` line when there is one) and
 * returns the exit code: 2 for usage errors, 130 for Ctrl-C, 1 otherwise.
 */
export function reportError(error: unknown, write: (text: string) => void): number {
  if (error instanceof UsageError) {
    write(`graft: ${oneLine(error.message)}${error.fix ? `\nfix: ${oneLine(error.fix)}` : ""}\n`);
    return EXIT.usage;
  }
  if (error instanceof InterruptedError) {
    write(`graft: ${oneLine(error.message)}\n`);
    return EXIT.interrupted;
  }
  if (error instanceof GraftError) {
    const message = error.fix
      ? error.message.slice(0, error.message.lastIndexOf("\nFix:"))
      : error.message;
    write(
      `graft: ${error.name}: ${oneLine(message)}${error.fix ? `\nfix: ${oneLine(error.fix)}` : ""}\n`,
    );
    return EXIT.failure;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  write(
    `graft: unexpected error: ${oneLine(text)}\nfix: run again with GRAFT_DEBUG=1 for the stack trace, and report it if it persists\n`,
  );
  if (process.env["GRAFT_DEBUG"] && error instanceof Error) write(`${error.stack ?? ""}\n`);
  return EXIT.failure;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
