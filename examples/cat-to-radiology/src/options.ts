import { resolve } from "node:path";
import { parseArgs } from "node:util";

import type { Pooling } from "@graft/core";
import type { MilPooling } from "@graft/vision";

/** Which backbone task A provides. */
export type Route = "imagenet" | "fashion" | "both";

/** Everything the demo can be told on its command line. */
export interface DemoOptions {
  /** `imagenet`: nsfwjs' ImageNet-initialised MobileNetV2; `fashion`: pre-train on Fashion-MNIST here; `both`. */
  route: Route;
  /** Side of the images task B trains on (transfer and scratch alike). */
  size: number;
  /** Route 1's cut: the explorer's recommendation, or a layer and pooling given as `layer:pooling`. */
  cut: "auto" | { layer: string; pooling: Pooling };
  /**
   * Route 1's head on the frozen backbone: `output`, a new output layer on the
   * globally pooled cut; `mil`, vision's spatial multiple-instance head on the
   * cut's unpooled map (the cut's pooling is then not used).
   */
  head: "output" | "mil";
  /** How the MIL head pools its location scores. */
  milPooling: MilPooling;
  /** Hidden 1×1 channels of the MIL head (0: a linear score per location). */
  milUnits: number;
  /** Training radiographs (the story's 100). */
  train: number;
  /** Held-out test radiographs. */
  test: number;
  seed: number;
  /** Epochs of the new head on the frozen backbone; `null`: the head's default (see {@link frozenHeadDefaults}). */
  headEpochs: number | null;
  /**
   * Augmented copies of each training image whose features the frozen head
   * also trains on (0: off); `null`: the head's default.
   */
  augmentCopies: number | null;
  /** Fine-tune this many top backbone layers (with weights) after the frozen head; 0 = off. */
  fineTune: number;
  /** Fine-tuning epochs (a fixed number, chosen on a development set). */
  fineTuneEpochs: number;
  /** Head learning rate while fine-tuning. */
  fineTuneLr: number;
  /** The unfrozen backbone layers learn at the head's rate times this. */
  backboneLrMult: number;
  /** Epochs of the from-scratch baseline. */
  scratchEpochs: number;
  /** Image side of the from-scratch baseline. */
  scratchSize: number;
  /** Average each test image's probability with its mirror image's (test-time augmentation). */
  mirrorTest: boolean;
  /** Fashion-MNIST pre-training: the full 60 000 images and more epochs. */
  full: boolean;
  /** Fashion-MNIST pre-training examples (ignored with --full). */
  pretrainExamples: number;
  pretrainEpochs: number;
  /** Test images explained with Grad-CAM overlays. */
  gradCam: number;
  /** Output folder: radiographs, models, overlays, metrics.json. */
  out: string;
}

const HELP = `cat-to-radiology: transfer a pre-trained backbone to 100 synthetic skull radiographs

  --route imagenet|fashion|both   task A backbone (default imagenet)
  --size N               task B image side of the transfer (default 112)
  --cut auto|LAYER:POOL  route 1's cut: auto = the explorer's pick (default block_6_expand_relu, unpooled, for
                         --head mil, where LAYER alone is enough; out_relu:avg for --head output; both chosen on a dev set)
  --head mil|output      route 1's head: a spatial multiple-instance head scoring every location of the unpooled
                         cut (vision's spatialMilHead, default), or a new output layer on the pooled cut
  --mil-pooling max|lse|topk  how the MIL head pools location scores (default lse)
  --mil-units N          hidden 1×1 channels of the MIL head (default 0: a linear score per location)
  --train N              training radiographs (default 100)
  --test N               test radiographs (default 500)
  --seed N               seed of data and training (default 1)
  --head-epochs N        epochs of the frozen head (default 10 for --head mil, 60 for --head output)
  --augment-copies N     the frozen head also trains on the backbone's features of N augmented copies of each
                         training image, computed once (default 32 for --head mil, 0 for --head output; 0: off)
  --no-mirror-test       score test images as they are (default: average each image's probability with its
                         mirror image's, test-time augmentation)
  --fine-tune N          then fine-tune the top N backbone layers with weights (default 16; 0: off)
  --fine-tune-epochs N   fine-tuning epochs (default 8)
  --fine-tune-lr X       head learning rate while fine-tuning (default 0.001)
  --backbone-lr-mult X   backbone learning rate = head's × X (default 0.1)
  --scratch-epochs N     epochs of the from-scratch baseline (default 15)
  --scratch-size N       image side of the from-scratch baseline (default 96)
  --full                 Fashion-MNIST: pre-train on all 60 000 images, 10 epochs
  --pretrain-examples N  Fashion-MNIST images used without --full (default 10000)
  --pretrain-epochs N    Fashion-MNIST epochs without --full (default 3)
  --grad-cam N           test images explained with Grad-CAM (default 6)
  --out DIR              output folder (default ./out)
`;

/** Parses `argv` (without node and the script); prints help and exits on --help. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      route: { type: "string", default: "imagenet" },
      size: { type: "string", default: "112" },
      cut: { type: "string" },
      head: { type: "string", default: "mil" },
      "mil-pooling": { type: "string", default: "lse" },
      "mil-units": { type: "string", default: "0" },
      train: { type: "string", default: "100" },
      test: { type: "string", default: "500" },
      seed: { type: "string", default: "1" },
      "head-epochs": { type: "string" },
      "augment-copies": { type: "string" },
      "fine-tune": { type: "string", default: "16" },
      "fine-tune-epochs": { type: "string", default: "8" },
      "fine-tune-lr": { type: "string", default: "0.001" },
      "backbone-lr-mult": { type: "string", default: "0.1" },
      "scratch-epochs": { type: "string", default: "15" },
      "scratch-size": { type: "string", default: "96" },
      full: { type: "boolean", default: false },
      "no-mirror-test": { type: "boolean", default: false },
      "pretrain-examples": { type: "string", default: "10000" },
      "pretrain-epochs": { type: "string", default: "3" },
      "grad-cam": { type: "string", default: "6" },
      out: { type: "string", default: "out" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const route = values.route;
  if (route !== "imagenet" && route !== "fashion" && route !== "both") {
    throw new Error(`--route must be imagenet, fashion or both, got "${route}".`);
  }
  const int = (name: keyof typeof values, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name} must be an integer ≥ ${min}, got "${String(values[name])}".`);
    }
    return value;
  };
  const positive = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`--${name} must be a number > 0, got "${String(values[name])}".`);
    }
    return value;
  };
  const head = values.head;
  if (head !== "output" && head !== "mil") {
    throw new Error(`--head must be output or mil, got "${head}".`);
  }
  const milPooling = values["mil-pooling"];
  if (milPooling !== "max" && milPooling !== "lse" && milPooling !== "topk") {
    throw new Error(`--mil-pooling must be max, lse or topk, got "${milPooling}".`);
  }
  return {
    route,
    size: int("size", 32),
    cut: parseCut(values.cut ?? (head === "mil" ? "block_6_expand_relu" : "out_relu:avg"), head),
    head,
    milPooling,
    milUnits: int("mil-units", 0),
    train: int("train", 4),
    test: int("test", 4),
    seed: int("seed", 0),
    headEpochs: values["head-epochs"] === undefined ? null : int("head-epochs", 1),
    augmentCopies: values["augment-copies"] === undefined ? null : int("augment-copies", 0),
    fineTune: int("fine-tune", 0),
    fineTuneEpochs: int("fine-tune-epochs", 1),
    fineTuneLr: positive("fine-tune-lr"),
    backboneLrMult: positive("backbone-lr-mult"),
    scratchEpochs: int("scratch-epochs", 1),
    scratchSize: int("scratch-size", 32),
    full: values.full,
    mirrorTest: !values["no-mirror-test"],
    pretrainExamples: int("pretrain-examples", 100),
    pretrainEpochs: int("pretrain-epochs", 1),
    gradCam: int("grad-cam", 0),
    out: resolve(values.out),
  };
}

/**
 * The frozen head's schedule unless told otherwise: the MIL head trains 10
 * epochs on the features of each image and 32 augmented copies, a new output
 * layer 60 epochs on the images alone (both chosen on the development set).
 */
export function frozenHeadDefaults(
  o: Pick<DemoOptions, "headEpochs" | "augmentCopies">,
  milHead: boolean,
): { headEpochs: number; augmentCopies: number } {
  return {
    headEpochs: o.headEpochs ?? (milHead ? 10 : 60),
    augmentCopies: o.augmentCopies ?? (milHead ? 32 : 0),
  };
}

function parseCut(text: string, head: DemoOptions["head"]): DemoOptions["cut"] {
  if (text === "auto") return "auto";
  const [layer, pooling] = text.split(":");
  // The MIL head reads the unpooled map: a pooling, if given, is not used.
  if (head === "mil" && layer) return { layer, pooling: "none" };
  if (!layer || (pooling !== "avg" && pooling !== "max" && pooling !== "avg+max")) {
    throw new Error(
      `--cut must be "auto" or LAYER:POOLING with pooling avg, max or avg+max (e.g. out_relu:avg), got "${text}".`,
    );
  }
  return { layer, pooling };
}
