export { main, createProgram } from "./program.js";
export type { MainOptions, Runner } from "./program.js";
export type { CliIo, CommandContext } from "./io.js";
export { EXIT, UsageError } from "./errors.js";
