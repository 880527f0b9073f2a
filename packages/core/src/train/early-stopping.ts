import * as tf from "@tensorflow/tfjs";

import { ConfigError } from "../errors.js";

type Monitor = "val_loss" | "val_accuracy" | "loss";

/**
 * Watches one metric per epoch; says when it has not improved for `patience`
 * epochs, and can put back the weights of the best epoch.
 */
export class EarlyStopping {
  private best = Number.NaN;
  private wait = 0;
  private snapshot: tf.Tensor[] | undefined;
  private readonly monitor: Monitor;
  private readonly restoreBest: boolean;

  constructor(
    options: { patience: number; monitor?: Monitor; restoreBest?: boolean },
    private readonly model: tf.LayersModel,
  ) {
    this.monitor = options.monitor ?? "val_loss";
    this.restoreBest = options.restoreBest ?? true;
    this.patience = options.patience;
  }
  private readonly patience: number;

  /** Records an epoch's metrics; returns true when training should stop. */
  update(metrics: Readonly<Record<string, number>>): boolean {
    const value = metrics[this.monitor];
    if (value === undefined) {
      throw new ConfigError(
        `Early stopping monitors "${this.monitor}", which this run does not compute.`,
        {
          fix: this.monitor.startsWith("val_")
            ? "pass a validation set or fraction"
            : "monitor another metric",
        },
      );
    }
    const better =
      Number.isNaN(this.best) ||
      (this.monitor === "val_accuracy" ? value > this.best : value < this.best);
    if (better) {
      this.best = value;
      this.wait = 0;
      if (this.restoreBest) {
        tf.dispose(this.snapshot);
        this.snapshot = this.model.weights.map((w) => tf.clone(w.read()));
      }
      return false;
    }
    return ++this.wait >= this.patience;
  }

  /** Puts back the best epoch's weights (when `restoreBest`). */
  restore(): void {
    if (!this.snapshot) return;
    this.model.weights.forEach((w, i) => w.write(this.snapshot?.[i] as tf.Tensor));
  }

  dispose(): void {
    tf.dispose(this.snapshot);
    this.snapshot = undefined;
  }
}
