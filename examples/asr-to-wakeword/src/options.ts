import { resolve } from "node:path";
import { parseArgs } from "node:util";

import type { SetSizes } from "./corpus/sets.js";
import { HEY_OTHERS } from "./corpus/vocabulary.js";
import type { EmbeddingSizes } from "./embedding/data.js";

/** Everything the demo can be told on its command line. */
export interface DemoOptions extends SetSizes {
  /** Task B training clips of background noise alone. */
  noiseClips: number;
  /** Channels of the speech backbone's blocks. */
  width: number;
  /** Depthwise-separable blocks of the speech backbone. */
  blocks: number;
  /** A GRU over time on top of the conv blocks (else global average pooling). */
  gru: boolean;
  /** Pre-training epochs (task A). */
  pretrainEpochs: number;
  /** Adam's learning rate for task A. */
  pretrainLearningRate: number;
  /** Epochs of the new layers on the frozen backbone. */
  headEpochs: number;
  /** Backbone layers (with weights, from the top) unfrozen in a second, slower phase; 0 = off. */
  fineTune: number;
  fineTuneEpochs: number;
  /** Epochs of the from-scratch baseline. */
  scratchEpochs: number;
  /** False accepts per hour the threshold is calibrated for. */
  targetFaPerHour: number;
  /** Moving average of window posteriors, in windows (0.1 s each). */
  smoothing: number;
  /** Which task B routes to train and measure. */
  only: "embedding" | "own-pretrain" | "scratch" | "all";
  /** The speech-embedding route's task B data and training. */
  embedding: EmbeddingSizes & { epochs: number; heads: number; pick: "average" | "calibration" };
  /** Shares of Debian's recordings (es, fr, it, ru prompts; music on hold) for training and calibration; the test takes the rest. */
  recorded: { train: number; calibration: number };
  /** Pre-train again even if a model for the same data and settings is saved. */
  retrain: boolean;
  seed: number;
  /** Output folder: corpus, feature caches, models, metrics.json. */
  out: string;
}

const HELP = `asr-to-wakeword: the wake phrase "hey graft" (task B) three ways: from Google's speech
embedding (openWakeWord's ONNX files, imported), from a speech network pre-trained here on espeak-ng
words (task A), and the same network trained from scratch.

  --only R                embedding, own-pretrain, scratch or all (default all)
  --embedding-positives N wake-phrase clips by task B's espeak-ng voices, embedding route (default 300)
  --flite-positives N     wake-phrase clips by the training flite voices, embedding route (default 100)
  --embedding-stream-minutes N   synthetic negative stream the embedding route trains on (default 8)
  --hey-others N          "hey" + an ordinary word ("hey apple", …): how many such phrases the embedding
                          route's near-miss stream also says (default 20, all; 0 = none)
  --confuser-minutes N    dense stream of near misses alone the embedding route trains on (default 10)
  --embedding-calibration-minutes N  synthetic calibration stream of the embedding route (default 5)
  --embedding-epochs N    epochs of the embedding route's new layers (default 60)
  --embedding-heads N     heads trained with different seeds (default 1)
  --embedding-pick P      average (their window posteriors) or calibration (the head with the lowest
                          calibration FRR) (default average)
  --recorded-train X      share of Debian's recorded speech and music for training (default 0.06)
  --recorded-calibration X  share for calibration (default 0.08); the test takes the rest
  --flite-test-positives N  held-out wake-phrase clips by the flite voice heard nowhere else (default 60)

  --large                 a bigger run: 250 clips per transcript (3.75 h), 30 pre-training epochs, width 64
  --per-transcript N      task A clips per word or phrase (default 100; 54 transcripts)
  --pretrain-epochs N     task A epochs (default 14)
  --pretrain-lr X         task A learning rate (default 2e-3)
  --width N               backbone channels (default 32)
  --blocks N              backbone depthwise-separable blocks (default 4)
  --pool                  end the backbone with average pooling instead of a GRU over time
  --positives N           task B wake-phrase clips (default 400)
  --confusers N           task B near-miss clips ("hey craft", "graph", …) (default 600)
  --other-speech N        task B clips of other words (default 500)
  --noise-clips N         task B clips of noise alone (default 150)
  --test-positives N      held-out wake-phrase clips by unseen voices (default 200)
  --calibration-minutes N negative stream the threshold is calibrated on (default 15)
  --test-minutes N        held-out negative stream for false accepts per hour (default 30)
  --head-epochs N         new layers on the frozen backbone (default 40)
  --fine-tune N           then unfreeze the top N backbone layers at a lower rate (default 20 = all; 0 = off)
  --fine-tune-epochs N    (default 10)
  --scratch-epochs N      from-scratch baseline (default 25)
  --target-fa N           calibrate the threshold for at most N false accepts per hour (default 0.5)
  --smoothing N           posterior moving average, in 0.1 s windows (default 3)
  --retrain               pre-train again even when a matching task A model is saved
  --seed N                (default 1)
  --out DIR               corpus, caches, models and metrics (default ./out)
`;

/** Parses `argv` (without node and the script); prints help and exits on --help. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    // pnpm 10 forwards the `--` of `pnpm start -- --flag` literally.
    args: argv.filter((arg) => arg !== "--"),
    options: {
      large: { type: "boolean", default: false },
      "per-transcript": { type: "string" },
      "pretrain-epochs": { type: "string" },
      "pretrain-lr": { type: "string" },
      width: { type: "string" },
      blocks: { type: "string", default: "4" },
      pool: { type: "boolean", default: false },
      positives: { type: "string", default: "400" },
      confusers: { type: "string", default: "600" },
      "other-speech": { type: "string", default: "500" },
      "noise-clips": { type: "string", default: "150" },
      "test-positives": { type: "string", default: "200" },
      "calibration-minutes": { type: "string", default: "15" },
      "test-minutes": { type: "string", default: "30" },
      "head-epochs": { type: "string", default: "40" },
      "fine-tune": { type: "string", default: "20" },
      "fine-tune-epochs": { type: "string", default: "10" },
      "scratch-epochs": { type: "string", default: "25" },
      "target-fa": { type: "string", default: "0.5" },
      smoothing: { type: "string", default: "3" },
      only: { type: "string", default: "all" },
      "embedding-positives": { type: "string", default: "300" },
      "flite-positives": { type: "string", default: "100" },
      "embedding-stream-minutes": { type: "string", default: "8" },
      "hey-others": { type: "string", default: "20" },
      "confuser-minutes": { type: "string", default: "10" },
      "embedding-calibration-minutes": { type: "string", default: "5" },
      "embedding-epochs": { type: "string", default: "60" },
      "embedding-heads": { type: "string", default: "1" },
      "embedding-pick": { type: "string", default: "average" },
      "recorded-train": { type: "string", default: "0.06" },
      "recorded-calibration": { type: "string", default: "0.08" },
      "flite-test-positives": { type: "string", default: "60" },
      retrain: { type: "boolean", default: false },
      seed: { type: "string", default: "1" },
      out: { type: "string", default: "out" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const large = values.large;
  const int = (name: string, text: string | undefined, fallback: number, min = 0): number => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}.\n${HELP}`);
    return value;
  };
  const atMost = (value: number, max: number, name: string): number => {
    if (value > max) throw new Error(`--${name} must be at most ${max}, got ${value}.`);
    return value;
  };
  const oneOf = <T extends string>(name: string, text: string, choices: readonly T[]): T => {
    if (!(choices as readonly string[]).includes(text))
      throw new Error(`--${name} must be one of ${choices.join(", ")}, got ${text}.`);
    return text as T;
  };
  const positive = (name: string, text: string | undefined): number => {
    const value = Number(text);
    if (!(value > 0)) throw new Error(`--${name} must be a positive number, got ${text}.`);
    return value;
  };
  return {
    perTranscript: int("per-transcript", values["per-transcript"], large ? 250 : 100, 10),
    pretrainEpochs: int("pretrain-epochs", values["pretrain-epochs"], large ? 30 : 14, 1),
    pretrainLearningRate:
      values["pretrain-lr"] === undefined ? 2e-3 : positive("pretrain-lr", values["pretrain-lr"]),
    width: int("width", values.width, large ? 64 : 32, 4),
    blocks: int("blocks", values.blocks, 4, 1),
    gru: !values.pool,
    positives: int("positives", values.positives, 400, 10),
    confusers: int("confusers", values.confusers, 600),
    otherSpeech: int("other-speech", values["other-speech"], 500, 10),
    noiseClips: int("noise-clips", values["noise-clips"], 150),
    testPositives: int("test-positives", values["test-positives"], 200, 10),
    calibrationMinutes: positive("calibration-minutes", values["calibration-minutes"]),
    testMinutes: positive("test-minutes", values["test-minutes"]),
    headEpochs: int("head-epochs", values["head-epochs"], 40, 1),
    fineTune: int("fine-tune", values["fine-tune"], 20),
    fineTuneEpochs: int("fine-tune-epochs", values["fine-tune-epochs"], 10),
    scratchEpochs: int("scratch-epochs", values["scratch-epochs"], 25, 1),
    targetFaPerHour: positive("target-fa", values["target-fa"]),
    smoothing: int("smoothing", values.smoothing, 3, 1),
    only: oneOf("only", values.only, ["embedding", "own-pretrain", "scratch", "all"] as const),
    embedding: {
      positives: int("embedding-positives", values["embedding-positives"], 300, 10),
      flitePositives: int("flite-positives", values["flite-positives"], 100),
      streamMinutes: positive("embedding-stream-minutes", values["embedding-stream-minutes"]),
      heyOthers: atMost(
        int("hey-others", values["hey-others"], 20),
        HEY_OTHERS.length,
        "hey-others",
      ),
      confuserMinutes: positive("confuser-minutes", values["confuser-minutes"]),
      calibrationMinutes: positive(
        "embedding-calibration-minutes",
        values["embedding-calibration-minutes"],
      ),
      testMinutes: positive("test-minutes", values["test-minutes"]),
      epochs: int("embedding-epochs", values["embedding-epochs"], 60, 1),
      heads: int("embedding-heads", values["embedding-heads"], 1, 1),
      pick: oneOf("embedding-pick", values["embedding-pick"], ["average", "calibration"] as const),
    },
    recorded: {
      train: positive("recorded-train", values["recorded-train"]),
      calibration: positive("recorded-calibration", values["recorded-calibration"]),
    },
    fliteTestPositives: int("flite-test-positives", values["flite-test-positives"], 60),
    retrain: values.retrain,
    seed: int("seed", values.seed, 1),
    out: resolve(values.out),
  };
}
