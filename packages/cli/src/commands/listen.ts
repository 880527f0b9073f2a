import type { StreamDetection } from "@graft/core";
import { Command } from "commander";

import { UsageError } from "../errors.js";
import { positiveNumber, probability } from "../options.js";
import type { Runner } from "../program.js";
import { fmt } from "../progress.js";
import { loadSavedModel } from "../saved-model.js";
import {
  addDetectionOptions,
  detectionSettings,
  type DetectionFlags,
} from "./detection-options.js";

interface ListenFlags extends DetectionFlags {
  json?: boolean;
  plugin?: string;
  threshold?: number;
  chunk: number;
}

/** `graft listen <model> <wav>`: stream a long recording through a wake-word model and print detections. */
export function listenCommand(run: Runner): Command {
  const command = new Command("listen")
    .description(
      "stream a long WAV through a wake-word model, chunk by chunk as a live detector would, and print each detection with its time",
    )
    .argument("<model>", "wake-word model saved by graft transfer (audio plugin, binary task)")
    .argument("<wav>", "recording to listen to")
    .option("--json", "print the detections as JSON")
    .option("--plugin <name>", "override the plugin named in graft.json")
    .option(
      "--threshold <p>",
      "smoothed posterior that fires (default: the saved threshold, or 0.5)",
      probability,
    );
  return addDetectionOptions(command)
    .option("--chunk <seconds>", "audio pushed to the detector at a time", positiveNumber, 0.5)
    .option("-q, --quiet", "no log lines")
    .addHelpText(
      "after",
      "\nExample:\n  graft listen models/wake recordings/kitchen.wav --threshold 0.8\n",
    )
    .action(
      run(async (context, modelDir: string, wav: string, flags: ListenFlags) => {
        const { predictor, plugin } = await loadSavedModel(modelDir, flags.plugin);
        try {
          const detection = plugin.detection;
          if (!detection || predictor.task.kind !== "binary") {
            throw new UsageError(
              `${modelDir} is a ${plugin.plugin.name} ${predictor.task.kind} model; listen needs a detector (a binary model of a plugin that detects events in streams, such as a wake word).`,
              "transfer one with graft transfer <wav data> --plugin @graft/audio --head wake-word",
            );
          }
          const threshold = flags.threshold ?? predictor.threshold;
          const positive = predictor.task.labels[1];
          context.log(`listening to ${wav} for "${positive}", threshold ${fmt(threshold)}`);
          const found: StreamDetection[] = [];
          const { seconds, sampleRate } = await detection.listen(predictor, wav, {
            ...detectionSettings(flags, detection.defaults),
            threshold,
            chunkSeconds: flags.chunk,
            signal: context.signal,
            onDetection(d) {
              found.push(d);
              if (!flags.json)
                context.out(
                  `${clock(d.time)}  ${positive}  score ${fmt(d.score)}  (heard by ${clock(d.end)})`,
                );
            },
          });
          if (flags.json)
            context.out(
              JSON.stringify(
                {
                  file: wav,
                  seconds,
                  sampleRate,
                  threshold,
                  label: positive,
                  detections: found,
                },
                null,
                2,
              ),
            );
          else
            context.out(
              `${found.length} detection${found.length === 1 ? "" : "s"} in ${fmt(seconds)} s of audio at ${sampleRate} Hz`,
            );
        } finally {
          predictor.dispose();
        }
      }),
    );
}

/** Seconds as `hh:mm:ss.mmm`. */
export function clock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}
