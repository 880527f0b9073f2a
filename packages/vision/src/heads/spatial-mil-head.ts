import { ConfigError, uniqueName } from "@graft/core";
import type { HeadContext, HeadFactory, Json } from "@graft/core";
import * as tf from "@tensorflow/tfjs";

import { MilPooling2D } from "./mil-pooling.js";
import type { MilPooling } from "./mil-pooling.js";

/** Options of {@link spatialMilHead}. */
export interface SpatialMilHeadOptions {
  /** Channels of a hidden 1×1 convolution with ReLU; 0 scores each location linearly. @default 0 */
  units?: number;
  /** How location scores become the image's score. @default "lse" */
  pooling?: MilPooling;
  /** Sharpness of `lse` pooling. @default 2 */
  r?: number;
  /** Share of locations `topk` pooling averages. @default 0.05 */
  topFraction?: number;
  /** Dropout on the feature map's values during training. @default 0.2 */
  dropout?: number;
  /** L2 penalty on the 1×1 kernels. @default 0.01 */
  l2?: number;
  /** Per-channel normalisation of the map before scoring. @default "batch" */
  normalization?: "batch" | "none";
  /**
   * Momentum of the normalisation's moving statistics. TF.js defaults to
   * 0.99, which after the few hundred steps of a small data set still mixes
   * in the initial statistics (mean 0, variance 1): a head trained on 24
   * images then predicted one class at inference. @default 0.9
   */
  momentum?: number;
  /** Prefix of the head's layer names. @default "mil" */
  prefix?: string;
}

/**
 * A multiple-instance head for findings that occupy a small part of the
 * image: on a spatial feature map (`[height, width, channels]`, i.e. a
 * backbone cut with pooling "none") it scores every location with 1×1
 * convolutions (one logit per class, optionally through `units` hidden
 * channels), pools the scores over locations (max, log-sum-exp or top-k
 * mean) and applies the task's output activation. Global average pooling
 * before a head dilutes a few bright locations among many; here the image
 * scores high when some location does.
 */
export function spatialMilHead(options: SpatialMilHeadOptions = {}): HeadFactory {
  const {
    units = 0,
    pooling = "lse",
    r = 2,
    topFraction = 0.05,
    dropout = 0.2,
    l2 = 0.01,
    normalization = "batch",
    momentum = 0.9,
    prefix = "mil",
  } = options;
  if (!Number.isInteger(units) || units < 0)
    throw new ConfigError(`spatialMilHead: units must be a non-negative integer, got ${units}.`);
  if (!["max", "lse", "topk"].includes(pooling))
    throw new ConfigError(
      `spatialMilHead: pooling must be "max", "lse" or "topk", got "${String(pooling)}".`,
    );
  if (!(r > 0)) throw new ConfigError(`spatialMilHead: r must be positive, got ${r}.`);
  if (!(topFraction > 0 && topFraction <= 1))
    throw new ConfigError(`spatialMilHead: topFraction must be in (0, 1], got ${topFraction}.`);
  if (!(dropout >= 0 && dropout < 1))
    throw new ConfigError(`spatialMilHead: dropout must be in [0, 1), got ${dropout}.`);
  if (!(l2 >= 0)) throw new ConfigError(`spatialMilHead: l2 must be ≥ 0, got ${l2}.`);
  if (!(momentum >= 0 && momentum < 1))
    throw new ConfigError(`spatialMilHead: momentum must be in [0, 1), got ${momentum}.`);
  return (context: HeadContext) => {
    if (context.featureShape.length !== 3) {
      throw new ConfigError(
        `spatialMilHead needs a spatial feature map [height, width, channels], got features of shape [${context.featureShape.join(", ")}].`,
        {
          fix: 'cut the backbone with pooling "none" (e.g. pretrainedMobileNetV2({ cutAt, pooling: "none" }))',
        },
      );
    }
    const taken = new Set(context.takenNames);
    const name = (base: string): string => {
      const unique = uniqueName(`${prefix}_${base}`, taken);
      taken.add(unique);
      return unique;
    };
    const seedAt = (offset: number) =>
      context.seed === undefined ? undefined : context.seed + offset;
    const regularizer = l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {};
    const classes = context.task.kind === "binary" ? 1 : context.task.labels.length;
    const activation = context.task.kind === "multiclass" ? "softmax" : "sigmoid";
    const layers: tf.layers.Layer[] = [];
    if (normalization === "batch")
      layers.push(tf.layers.batchNormalization({ momentum, name: name("norm") }));
    if (dropout > 0)
      layers.push(tf.layers.dropout({ rate: dropout, seed: seedAt(100), name: name("dropout") }));
    if (units > 0) {
      layers.push(
        tf.layers.conv2d({
          filters: units,
          kernelSize: 1,
          activation: "relu",
          kernelInitializer: tf.initializers.heNormal({ seed: seedAt(0) }),
          ...regularizer,
          name: name("hidden"),
        }),
      );
    }
    layers.push(
      tf.layers.conv2d({
        filters: classes,
        kernelSize: 1,
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: seedAt(1) }),
        ...regularizer,
        name: name("scores"),
      }),
    );
    layers.push(new MilPooling2D({ pooling, r, topFraction, name: name("pool") }));
    layers.push(tf.layers.activation({ activation, name: name("output") }));
    const spec: Json = {
      kind: "vision:spatial-mil",
      units,
      pooling,
      r,
      topFraction,
      dropout,
      l2,
      normalization,
      momentum,
    };
    return { spec, layers };
  };
}
