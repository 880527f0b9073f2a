import type { TestView } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

/**
 * Test-time views of an image batch `[n, height, width, channels]`: the
 * images as they are and mirrored left–right. Pass them to
 * `TransferModel.evaluate(data, { views })` to average each image's
 * probabilities over both, for findings that may appear on either side.
 */
export function mirrorViews(): TestView[] {
  return [(x) => x, (x) => tf.image.flipLeftRight(x as tf.Tensor4D)];
}
