import type { EpochRecord } from "./fit.js";
import type { TrainingPhase } from "./options.js";

/** One phase of the schedule as it ran: where its freeze policy and rates are recorded, once. */
export interface PhaseRecord {
  readonly name: string;
  /** The backbone's freeze policy during the phase (`formatFreezePolicy` form). */
  readonly freeze: string;
  /** Epochs it trained: fewer than planned when early stopping or an abort ended it. */
  readonly epochs: number;
  /** Learning rate of the head. */
  readonly learningRate: number;
  /** Learning rate of the unfrozen backbone layers, as a multiple of the head's. */
  readonly backboneLrMult: number;
}

/** The name a phase goes by in progress events and the history. */
export function phaseName(phase: TrainingPhase, phaseIndex: number): string {
  return phase.name ?? `phase ${phaseIndex + 1}`;
}

/**
 * The phases of `phases` that trained at least one epoch, read from the epoch
 * records (which survive a resume): a phase's records are the run of records
 * with its name numbered 1, 2, 3, … from where the previous phase's ended.
 * @param learningRate the run's learning rate, for phases that set none
 */
export function phaseRecords(
  phases: readonly TrainingPhase[],
  records: readonly EpochRecord[],
  learningRate: number,
): PhaseRecord[] {
  const out: PhaseRecord[] = [];
  let next = 0;
  for (const [i, phase] of phases.entries()) {
    const name = phaseName(phase, i);
    const first = records[next];
    let epochs = 0;
    while (records[next + epochs]?.phase === name && records[next + epochs]?.epoch === epochs + 1)
      epochs++;
    if (first && epochs > 0) {
      out.push({
        name,
        freeze: first.freeze,
        epochs,
        learningRate: phase.learningRate ?? learningRate,
        backboneLrMult: phase.backboneLrMult ?? 1,
      });
    }
    next += epochs;
  }
  return out;
}
