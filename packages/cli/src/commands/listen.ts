import { StreamingDetector, type AudioPreprocessor, type Detection } from "@graft/audio";
import { Command } from "commander";

import { UsageError } from "../errors.js";
import { positiveInt, positiveNumber, probability } from "../options.js";
import type { Runner } from "../program.js";
import { fmt } from "../progress.js";
import { loadSavedModel } from "../saved-model.js";
import { readSamples } from "../wakeword.js";

interface ListenFlags {
  json?: boolean;
  plugin?: string;
  threshold?: number;
  hop: number;
  smoothing: number;
  refractory: number;
  chunk: number;
}

/** `graft listen <model> <wav>`: stream a long recording through a wake-word model and print detections. */
export function listenCommand(run: Runner): Command {
  return new Command("listen")
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
    )
    .option("--hop <seconds>", "time between scored windows", positiveNumber, 0.1)
    .option("--smoothing <n>", "posterior moving average, in windows", positiveInt, 3)
    .option("--refractory <seconds>", "silence after each detection", positiveNumber, 1)
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
          if (plugin.kind !== "audio" || predictor.task.kind !== "binary") {
            throw new UsageError(
              `${modelDir} is a ${plugin.plugin.name} ${predictor.task.kind} model; listen needs a wake-word model (audio, binary).`,
              "transfer one with graft transfer <wav data> --plugin @graft/audio --head wake-word",
            );
          }
          const preprocessor = predictor.preprocessor as AudioPreprocessor;
          const rate = preprocessor.featureConfig.sampleRate;
          const samples = await readSamples(wav, preprocessor);
          const threshold = flags.threshold ?? predictor.threshold;
          const positive = predictor.task.labels[1];
          const detector = new StreamingDetector(
            { model: predictor.model, preprocessor },
            {
              sampleRate: rate,
              threshold,
              hopSeconds: flags.hop,
              smoothing: flags.smoothing,
              refractorySeconds: flags.refractory,
              windowSeconds: preprocessor.featureConfig.clipSeconds,
            },
          );
          context.log(
            `listening to ${wav} (${fmt(samples.length / rate)} s at ${rate} Hz) for "${positive}", threshold ${fmt(threshold)}`,
          );
          const found: Detection[] = [];
          const chunk = Math.max(1, Math.round(flags.chunk * rate));
          for (let start = 0; start < samples.length; start += chunk) {
            if (context.signal.aborted) break;
            const detections = await detector.push(samples.slice(start, start + chunk));
            for (const d of detections) {
              found.push(d);
              if (!flags.json)
                context.out(
                  `${clock(d.time)}  ${positive}  score ${fmt(d.score)}  (heard by ${clock(d.end)})`,
                );
            }
          }
          if (flags.json)
            context.out(
              JSON.stringify(
                {
                  file: wav,
                  seconds: samples.length / rate,
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
              `${found.length} detection${found.length === 1 ? "" : "s"} in ${fmt(samples.length / rate)} s of audio`,
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
