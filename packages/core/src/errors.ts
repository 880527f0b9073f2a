/**
 * graft's errors: one class per kind of failure a user can act on. Each
 * message states what was expected, what was received, and how to fix it.
 */

/** Base class: `instanceof GraftError` catches every error graft raises on purpose. */
export class GraftError extends Error {
  override name = "GraftError";
  /** Hint shown by the CLI on its own line. */
  readonly fix: string | undefined;
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(options.fix ? `${message}\nFix: ${options.fix}` : message, { cause: options.cause });
    this.fix = options.fix;
  }
}

/** An option, a cut point, a head spec or a schedule is invalid. */
export class ConfigError extends GraftError {
  override name = "ConfigError";
}

/** A preprocessor, backbone or saved model disagree on the shape or kind of input. */
export class InputMismatchError extends GraftError {
  override name = "InputMismatchError";
  constructor(
    message: string,
    readonly expected: unknown,
    readonly received: unknown,
    options: { fix?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** A dataset is empty, has one class, or holds a file that cannot be read. */
export class DataError extends GraftError {
  override name = "DataError";
  constructor(
    message: string,
    options: { fix?: string; cause?: unknown; file?: string } = {},
  ) {
    super(options.file ? `${options.file}: ${message}` : message, options);
    this.file = options.file;
  }
  readonly file: string | undefined;
}

/** The requested TF.js engine cannot be loaded. */
export class EngineError extends GraftError {
  override name = "EngineError";
}

/** A saved model directory is missing, malformed, or from an unsupported version. */
export class ModelFileError extends GraftError {
  override name = "ModelFileError";
  constructor(
    message: string,
    options: { fix?: string; cause?: unknown; path?: string } = {},
  ) {
    super(options.path ? `${options.path}: ${message}` : message, options);
    this.path = options.path;
  }
  readonly path: string | undefined;
}

/** Training stopped: aborted by a signal, or the loss became NaN/Inf. */
export class TrainingError extends GraftError {
  override name = "TrainingError";
}
