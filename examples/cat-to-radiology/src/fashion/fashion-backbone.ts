import { join } from "node:path";

import { loadBackbone } from "@graft/core";
import type { Backbone } from "@graft/core";
import { resizeMobileNetV2 } from "@graft/vision";

import type { DemoOptions } from "../options.js";
import { pretrainOnFashionMnist } from "./pretrain-fashion.js";
import type { Pretrained } from "./pretrain-fashion.js";

/** Width multiplier of the Fashion-MNIST MobileNetV2: small enough to pre-train on 2 CPU cores. */
export const FASHION_ALPHA = 0.35;

/**
 * Task A, route 2: pre-trains (or reuses) a grayscale MobileNetV2 on
 * Fashion-MNIST, loads the saved model back with `loadBackbone`, cuts it at
 * `out_relu` + average pooling and rebuilds it at task B's image size.
 */
export async function fashionBackbone(
  o: DemoOptions,
  log: (line: string) => void,
): Promise<{ backbone: Backbone; alpha: number; channels: 1; pretraining: Pretrained }> {
  const pretraining = await pretrainOnFashionMnist({
    modelsDir: join(o.out, "models"),
    examples: o.full ? 60_000 : o.pretrainExamples,
    epochs: o.full ? 10 : o.pretrainEpochs,
    alpha: FASHION_ALPHA,
    seed: o.seed,
    log,
  });
  const trained = await loadBackbone(pretraining.dir, { at: "out_relu", pooling: "avg" });
  const backbone = resizeMobileNetV2(trained, { alpha: FASHION_ALPHA, inputSize: o.size });
  return { backbone, alpha: FASHION_ALPHA, channels: 1, pretraining };
}
