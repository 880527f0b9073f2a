import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import { ModelFileError } from "../errors.js";
import { recoverDir, writeDirAtomically } from "../persist/atomic-dir.js";
import type { ParamGroup } from "./param-groups.js";

/** A named tensor, as optimizers save their state. */
export type NamedTensor = { name: string; tensor: tf.Tensor };

/** Where and how often `fit` writes checkpoints. */
export interface CheckpointOptions {
  /** Directory of the checkpoint (replaced atomically at each write). */
  dir: string;
  /** @default 1 */
  everyEpochs?: number;
}

/** Where a run stands, as saved in `state.json`. */
export interface CheckpointState<TRecord = unknown> {
  readonly version: 1;
  /** 0-based index of the phase in progress. */
  readonly phase: number;
  /** Epochs of that phase already done. */
  readonly epoch: number;
  readonly records: readonly TRecord[];
  /** Fingerprint of the schedule and data sizes, so a checkpoint is not resumed into another run. */
  readonly fingerprint: string;
}

/** A checkpoint read back from disk. The caller disposes the tensors. */
export interface LoadedCheckpoint<TRecord = unknown> {
  readonly state: CheckpointState<TRecord>;
  /** Model weights by their original name (`layer/weight`). */
  readonly weights: readonly NamedTensor[];
  readonly optimizers: Readonly<Record<string, NamedTensor[]>>;
}

interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly group?: string;
}

const STATE = "state.json";
const TENSORS = "tensors.json";
const DATA = "tensors.bin";

/**
 * Saves model weights (by name: their order changes with trainability), each group's optimizer
 * state and the run's position, atomically.
 */
export async function writeCheckpoint<TRecord>(
  dir: string,
  state: CheckpointState<TRecord>,
  model: tf.LayersModel,
  groups: readonly ParamGroup[],
): Promise<void> {
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  const add = async (name: string, tensor: tf.Tensor, group?: string) => {
    // Stored as float32 whatever the dtype (the optimizer's step count is int32, exact in float32).
    const values = Float32Array.from(await tensor.data());
    entries.push({
      name,
      shape: tensor.shape,
      dtype: tensor.dtype,
      ...(group === undefined ? {} : { group }),
    });
    chunks.push(new Uint8Array(values.buffer));
  };
  for (const w of model.weights) await add(w.originalName, w.read());
  for (const g of groups) {
    for (const { name, tensor } of await g.optimizer.getWeights()) {
      await add(name, tensor, g.name);
      // Slots are the optimizer's own variables; the step counter is a fresh tensor.
      if (!(tensor instanceof tf.Variable)) tensor.dispose();
    }
  }
  await writeDirAtomically(dir, async (tmp) => {
    await writeFile(path.join(tmp, DATA), Buffer.concat(chunks));
    await writeFile(path.join(tmp, TENSORS), JSON.stringify(entries));
    await writeFile(path.join(tmp, STATE), JSON.stringify(state));
  });
}

/** Reads a checkpoint, or returns undefined when `dir` holds none. */
export async function readCheckpoint<TRecord>(
  dir: string,
): Promise<LoadedCheckpoint<TRecord> | undefined> {
  await recoverDir(dir);
  let stateText: string;
  try {
    stateText = await readFile(path.join(dir, STATE), "utf8");
  } catch {
    return undefined;
  }
  try {
    const state = JSON.parse(stateText) as CheckpointState<TRecord>;
    const entries = JSON.parse(await readFile(path.join(dir, TENSORS), "utf8")) as TensorEntry[];
    const bytes = await readFile(path.join(dir, DATA));
    const floats = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    const weights: NamedTensor[] = [];
    const optimizers: Record<string, NamedTensor[]> = {};
    let offset = 0;
    for (const entry of entries) {
      const size = entry.shape.reduce((a, b) => a * b, 1);
      const values = floats.subarray(offset, offset + size);
      const tensor =
        entry.dtype === "int32"
          ? tf.tensor(Int32Array.from(values), entry.shape, "int32")
          : tf.tensor(values, entry.shape);
      offset += size;
      if (entry.group === undefined) weights.push({ name: entry.name, tensor });
      else (optimizers[entry.group] ??= []).push({ name: entry.name, tensor });
    }
    return { state, weights, optimizers };
  } catch (error) {
    throw new ModelFileError(`The checkpoint is unreadable: ${(error as Error).message}`, {
      path: dir,
      fix: "delete the checkpoint directory to start over, or resume from another one",
      cause: error,
    });
  }
}
