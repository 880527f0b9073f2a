import type { EpochRecord } from "./fit.js";
import type { FitOptions, ProgressEvent } from "./options.js";

/** The fields of a progress event that stay the same during a phase. */
export interface PhaseInfo {
  readonly phase: number;
  readonly phaseName: string;
  readonly phases: number;
  readonly epochs: number;
  readonly cachedFeatures: boolean;
}

/**
 * Sends `fit`'s progress events and estimates the time left from the mean
 * time per batch so far over the whole schedule.
 */
export class ProgressReporter {
  private readonly started = performance.now();

  constructor(
    private readonly onProgress: FitOptions["onProgress"],
    /** Batches in the whole schedule. */
    private readonly totalBatches: number,
    /** Batches per epoch. */
    readonly batches: number,
    /** Batches already done (by a resumed run). */
    private batchesDone = 0,
  ) {}

  phaseBegin(info: PhaseInfo): void {
    this.emit(info, "phase-begin", 0, 0, NaN, {});
  }

  batchEnd(info: PhaseInfo, epoch: number, batch: number, loss: number): void {
    this.batchesDone++;
    this.emit(info, "batch-end", epoch, batch, loss, {});
  }

  epochEnd(info: PhaseInfo, epoch: number, metrics: Readonly<Record<string, number>>): void {
    this.emit(info, "epoch-end", epoch, this.batches, metrics["loss"] ?? NaN, metrics);
  }

  /** Counts epochs that will not run (early stopping) as done, so the estimate stays right. */
  skipEpochs(epochs: number): void {
    this.batchesDone += epochs * this.batches;
  }

  /** The final event, with the last epoch's metrics. */
  end(phases: number, records: readonly EpochRecord[]): void {
    const metrics = records.at(-1)?.metrics ?? {};
    this.onProgress?.({
      type: "end",
      phase: phases,
      phaseName: "",
      phases,
      epoch: 0,
      epochs: 0,
      batch: 0,
      batches: 0,
      loss: metrics["loss"] ?? NaN,
      metrics,
      etaSeconds: 0,
      cachedFeatures: false,
    });
  }

  /** Estimated seconds left for the whole schedule (NaN before the first batch). */
  eta(): number {
    if (this.batchesDone === 0) return NaN;
    const perBatch = (performance.now() - this.started) / this.batchesDone;
    return (perBatch * (this.totalBatches - this.batchesDone)) / 1000;
  }

  private emit(
    info: PhaseInfo,
    type: ProgressEvent["type"],
    epoch: number,
    batch: number,
    loss: number,
    metrics: Readonly<Record<string, number>>,
  ): void {
    this.onProgress?.({
      ...info,
      type,
      epoch,
      batch,
      batches: this.batches,
      loss,
      metrics,
      etaSeconds: this.eta(),
    });
  }
}
