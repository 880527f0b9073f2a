import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";
import {
  readCheckpoint,
  writeCheckpoint,
  type CheckpointOptions,
  type CheckpointState,
} from "./checkpoint.js";
import type { ParamGroup } from "./param-groups.js";

/**
 * Reads the checkpoint in `dir` and writes its weights into `model` (by
 * name). Undefined when there is none; a ConfigError when it belongs to a
 * run with another schedule, batch size, seed or data size.
 */
export async function resumeFrom<TRecord>(dir: string, model: tf.LayersModel, fingerprint: string) {
  const checkpoint = await readCheckpoint<TRecord>(dir);
  if (!checkpoint) return undefined;
  const saved = new Map(checkpoint.weights.map((w) => [w.name, w.tensor]));
  if (
    checkpoint.state.fingerprint !== fingerprint ||
    model.weights.some((w) => !saved.has(w.originalName))
  ) {
    tf.dispose(
      [...checkpoint.weights, ...Object.values(checkpoint.optimizers).flat()].map((t) => t.tensor),
    );
    throw new ConfigError(
      `The checkpoint in ${dir} belongs to another run (schedule, batch size, seed or data size differ).`,
      {
        fix: "resume with the same options and data, or delete the checkpoint directory to start over",
      },
    );
  }
  for (const w of model.weights) w.write(saved.get(w.originalName) as tf.Tensor);
  return checkpoint;
}

/** A checkpoint that `fit` resumes from. */
export type Resumed<TRecord> = NonNullable<Awaited<ReturnType<typeof resumeFrom<TRecord>>>>;

/** Identifies a run by what decides its loss curve: the schedule, batch size, seed and data size. */
export function runFingerprint(
  phases: readonly { readonly epochs: number; readonly freeze?: unknown }[],
  batchSize: number,
  seed: number,
  n: number,
): string {
  return JSON.stringify({
    phases: phases.map((p) => [p.epochs, p.freeze ?? null]),
    batchSize,
    seed,
    n,
  });
}

/**
 * The 1-based epoch phase `phaseIndex` starts at: 1 on a fresh run, after the
 * saved epoch for the phase a checkpoint stopped in, undefined for phases it finished.
 */
export function firstEpoch(
  resumed: Resumed<unknown> | undefined,
  phaseIndex: number,
): number | undefined {
  if (!resumed) return 1;
  if (phaseIndex < resumed.state.phase) return undefined;
  return phaseIndex === resumed.state.phase ? resumed.state.epoch + 1 : 1;
}

/** Where a run stands after an epoch, for {@link checkpointAfterEpoch}. */
export interface EpochPosition<TRecord> {
  readonly phaseIndex: number;
  readonly epoch: number;
  /** Epochs of the phase. */
  readonly epochs: number;
  readonly records: readonly TRecord[];
  readonly fingerprint: string;
}

/**
 * Writes a checkpoint every `everyEpochs` epochs and at the end of each
 * phase; a finished phase is saved as "next phase, epoch 0", without the
 * optimizer state (each phase starts fresh optimizers).
 */
export async function checkpointAfterEpoch<TRecord>(
  checkpoint: CheckpointOptions | undefined,
  at: EpochPosition<TRecord>,
  model: tf.LayersModel,
  groups: readonly ParamGroup[],
): Promise<void> {
  if (!checkpoint) return;
  const done = at.epoch === at.epochs;
  if (!done && at.epoch % (checkpoint.everyEpochs ?? 1) !== 0) return;
  const state: CheckpointState<TRecord> = {
    version: 1,
    phase: done ? at.phaseIndex + 1 : at.phaseIndex,
    epoch: done ? 0 : at.epoch,
    records: at.records,
    fingerprint: at.fingerprint,
  };
  await writeCheckpoint(checkpoint.dir, state, model, done ? [] : groups);
}

/** Releases the tensors of a resumed checkpoint. */
export function releaseCheckpoint(resumed: Resumed<unknown> | undefined): void {
  if (!resumed) return;
  tf.dispose(
    [...resumed.weights, ...Object.values(resumed.optimizers).flat()].map((t) => t.tensor),
  );
}
