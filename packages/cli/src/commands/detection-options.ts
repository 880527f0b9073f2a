import type { DetectionSettings } from "@graft/core";
import type { Command } from "commander";

import { positiveInt, positiveNumber } from "../options.js";

/** The flags {@link addDetectionOptions} declares. */
export interface DetectionFlags {
  hop?: number;
  smoothing?: number;
  refractory?: number;
}

/**
 * `--hop`, `--smoothing` and `--refractory`: how `evaluate` and `listen` run a
 * detecting plugin over long recordings. No commander defaults: an unset flag
 * keeps the plugin's own detector setting (see {@link detectionSettings}).
 */
export function addDetectionOptions(command: Command): Command {
  return command
    .option(
      "--hop <seconds>",
      "detection: time between scored windows (default: the plugin's detector)",
      positiveNumber,
    )
    .option("--smoothing <n>", "detection: posterior moving average, in windows", positiveInt)
    .option("--refractory <seconds>", "detection: silence after each detection", positiveNumber);
}

/** Detection settings from `--hop`, `--smoothing` and `--refractory`, each falling back to the plugin's default. */
export function detectionSettings(
  flags: DetectionFlags,
  defaults: DetectionSettings,
): DetectionSettings {
  return {
    hopSeconds: flags.hop ?? defaults.hopSeconds,
    smoothing: flags.smoothing ?? defaults.smoothing,
    refractorySeconds: flags.refractory ?? defaults.refractorySeconds,
  };
}
