import { ConfigError, InputMismatchError } from "@graft/core";
import type { InputSpec, PluginOptions } from "@graft/core";

import { imagePreprocessor } from "../image/image-preprocessor.js";
import type { ImagePreprocessor } from "../image/image-preprocessor.js";

/**
 * The image preprocessor that feeds `spec`: a vision backbone's own spec, a
 * plain `[height, width, 1 | 3]` tensor input (a model.json from elsewhere),
 * or none (a fresh backbone, sized by `--input-size`).
 */
export function imagePreprocessorFor(
  spec: InputSpec | undefined,
  options: PluginOptions,
): ImagePreprocessor {
  if (spec?.kind === "image") {
    return imagePreprocessor({
      height: spec.height,
      width: spec.width,
      channels: spec.channels === 1 ? 1 : 3,
      normalization: spec.normalization,
    });
  }
  if (spec?.kind === "tensor") {
    const [height, width, channels] = spec.shape;
    if (
      spec.shape.length !== 3 ||
      !(height && height > 0) ||
      !(width && width > 0) ||
      (channels !== 1 && channels !== 3)
    ) {
      throw new InputMismatchError(
        `this model takes inputs of shape [${spec.shape.join(", ")}], not images [height, width, 1 or 3].`,
        "[height, width, 1 | 3]",
        spec.shape,
        { fix: "pass --plugin @graft/audio for feature inputs, or a model with an image input" },
      );
    }
    return imagePreprocessor({
      height,
      width,
      channels,
      normalization: options.normalization ?? "unit",
    });
  }
  if (spec !== undefined)
    throw new ConfigError(`the backbone takes ${spec.kind} inputs, not images.`, {
      fix: `pass the --plugin that reads ${spec.kind} inputs`,
    });
  const size = options.inputSize ?? 32;
  return imagePreprocessor({
    height: size,
    width: size,
    channels: options.channels ?? 3,
    normalization: options.normalization ?? "unit",
  });
}
