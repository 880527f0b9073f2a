import { loadEngine } from "@graft/core";
import { Command, CommanderError } from "commander";

import { adviseCommand } from "./commands/advise.js";
import { exploreCommand } from "./commands/explore.js";
import { evaluateCommand } from "./commands/evaluate.js";
import { listenCommand } from "./commands/listen.js";
import { predictCommand } from "./commands/predict.js";
import { pretrainCommand } from "./commands/pretrain.js";
import { reportCommand } from "./commands/report.js";
import { transferCommand } from "./commands/transfer.js";
import { EXIT, reportError } from "./errors.js";
import { createContext, processIo, type CliIo, type CommandContext } from "./io.js";

/** Wraps a command's handler: builds its context, loads the engine, reports errors as exit codes. */
export type Runner = <TArgs extends unknown[]>(
  handler: (context: CommandContext, ...args: TArgs) => Promise<void>,
) => (...args: unknown[]) => Promise<void>;

/** Options of {@link main}. */
export interface MainOptions {
  /** @default the process's stdout/stderr */
  io?: CliIo;
  /** Aborted on Ctrl-C by `bin.ts`. */
  signal?: AbortSignal;
}

const VERSION = "0.0.0";

/**
 * Runs `graft` with `argv` (without `node` and the script) and resolves to
 * its exit code: 0 ok, 1 failure (a graft error, printed with its fix),
 * 2 bad arguments, 130 stopped by Ctrl-C.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo();
  const signal = options.signal ?? new AbortController().signal;
  let code: number = EXIT.ok;
  const run: Runner =
    (handler) =>
    async (...args: unknown[]) => {
      // commander passes (...arguments, options, command).
      const flags = (args.at(-2) ?? {}) as { quiet?: boolean; engine?: string };
      const context = createContext(io, Boolean(flags.quiet), signal);
      try {
        const engine = await loadEngine();
        context.log(engine.description);
        await handler(context, ...(args.slice(0, -1) as never));
      } catch (error) {
        code = reportError(error, io.stderr);
      }
    };
  const program = createProgram(run, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(error, io.stderr);
  }
  return code;
}

/** The commander program with every command. */
export function createProgram(run: Runner, io: CliIo): Command {
  const program = new Command("graft")
    .description(
      "transfer learning on Node.js: pre-train, transfer, evaluate, predict, listen, advise, report",
    )
    .version(VERSION)
    .showSuggestionAfterError(true);
  const commands = [
    pretrainCommand,
    transferCommand,
    evaluateCommand,
    predictCommand,
    listenCommand,
    adviseCommand,
    exploreCommand,
    reportCommand,
  ].map((make) => make(run));
  for (const command of commands) program.addCommand(command);
  for (const command of [program, ...commands]) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) =>
        write(
          `graft: ${text
            .replace(/^error: /, "")
            .replace(/\s*\n\s*/g, " ")
            .trim()} (see graft ${command === program ? "" : `${command.name()} `}--help)\n`,
        ),
    });
  }
  return program;
}
