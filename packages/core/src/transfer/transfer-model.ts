import * as tf from "@tensorflow/tfjs";

import { layerNames } from "../backbone/layer-names.js";
import { collectBatches } from "../data/tensor-dataset.js";
import { evaluatePredictions, type EvaluateOptions, type EvaluationReport } from "../evaluate/evaluate-predictions.js";
import type { GraftManifest } from "../persist/manifest.js";
import { InputMismatchError } from "../errors.js";
import { denseHead } from "../head/dense-head.js";
import { fit, type TrainingHistory } from "../train/fit.js";
import type { FitOptions } from "../train/options.js";
import type { Backbone, Dataset, DomainPlugin, Head, HeadFactory, Json, Preprocessor, Task } from "../types.js";
import { applyFreezePolicy, formatFreezePolicy, type FreezePolicy } from "./freeze.js";
import { runFrozenLayersInInferenceMode } from "./frozen-inference.js";
import { checkInputSpec } from "./input-spec.js";
import { saveTransferModel, type SaveOptions } from "./save-transfer.js";

/**
 * One view of a batch of backbone inputs for test-time augmentation: returns
 * a transformed batch of the same shape (the identity is a view too). Runs
 * inside `tf.tidy`.
 */
export type TestView = (x: tf.Tensor) => tf.Tensor;

/** Options of {@link createTransferModel}. */
export interface TransferOptions {
  /** The trunk: cut from a trained model, or a plugin's fresh backbone for pre-training. */
  backbone: Backbone;
  task: Task;
  /** @default outputHead(): one new output layer */
  head?: HeadFactory;
  /** How much of the backbone trains at first. @default "frozen" */
  freeze?: FreezePolicy;
  /** Turns raw inputs into the backbone's input; checked against the backbone's InputSpec and saved with the model. */
  preprocessor?: Preprocessor;
  /** The plugin the preprocessor came from, recorded in `graft.json`. */
  plugin?: Pick<DomainPlugin, "name" | "packageName">;
  /** Seeds the head's initial weights. */
  seed?: number;
}

/**
 * A backbone with a fresh head, ready to train on task B: build it with
 * {@link createTransferModel}, then `fit`, `evaluate`, `save`.
 */
export class TransferModel {
  /** Input → output, the model that is saved. */
  readonly model: tf.LayersModel;
  /** Backbone features → output; shares the head's layers (and weights) with `model`. */
  readonly headModel: tf.LayersModel;
  readonly head: Head;
  readonly history: TrainingHistory[] = [];
  private policy: FreezePolicy = "frozen";
  private initialPolicy: FreezePolicy | undefined;

  /** @internal use {@link createTransferModel}. */
  constructor(
    readonly backbone: Backbone,
    readonly task: Task,
    headFactory: HeadFactory,
    readonly preprocessor: Preprocessor | undefined,
    readonly plugin: Pick<DomainPlugin, "name" | "packageName"> | undefined,
    seed: number | undefined,
  ) {
    const taken = new Set(layerNames(backbone.model));
    this.head = headFactory({ featureShape: backbone.featureShape, task, takenNames: taken, ...(seed === undefined ? {} : { seed }) });
    const features = backbone.model.outputs[0] as tf.SymbolicTensor;
    this.model = tf.model({ inputs: backbone.model.inputs, outputs: applyLayers(this.head.layers, features), name: "graft_model" });
    const featureInput = tf.input({ shape: [...backbone.featureShape], name: uniqueInputName(taken) });
    this.headModel = tf.model({ inputs: featureInput, outputs: applyLayers(this.head.layers, featureInput), name: "graft_head" });
    runFrozenLayersInInferenceMode(this.model.layers);
  }

  /** The current freeze policy of the backbone. */
  get freezePolicy(): FreezePolicy {
    return this.policy;
  }

  /** The freeze policy the model was created with, before any training phase changed it. */
  get initialFreezePolicy(): FreezePolicy {
    return this.initialPolicy ?? this.policy;
  }

  /** Freezes the backbone by `policy`; returns the names of backbone layers with weights that now train. */
  freeze(policy: FreezePolicy): string[] {
    const trainable = applyFreezePolicy(this.backbone.model, policy);
    this.policy = policy;
    // createTransferModel makes the first call, with the policy the model is created with.
    this.initialPolicy ??= policy;
    return trainable;
  }

  /** Trains on `data` by a (staged) schedule; see {@link FitOptions}. */
  async fit(data: Dataset, options: FitOptions = {}): Promise<TrainingHistory> {
    const history = await fit(this, data, options);
    this.history.push(history);
    return history;
  }

  /** Probabilities for a batch of backbone inputs, shape `[n, outputs]`. The caller owns the tensor. */
  predict(x: tf.Tensor): tf.Tensor {
    return this.model.predict(x) as tf.Tensor;
  }

  /**
   * Probabilities for every example of `data`, one row per example. With
   * `views` (test-time augmentation), each batch is predicted once per view
   * (e.g. the images and their mirror images) and the probabilities averaged.
   */
  async predictDataset(data: Dataset, batchSize = 32, views: readonly TestView[] = []): Promise<number[][]> {
    const predict = (x: tf.Tensor): tf.Tensor =>
      views.length === 0 ? this.predict(x) : tf.addN(views.map((view) => this.predict(view(x)))).div(views.length);
    const probs = await collectBatches(data, batchSize, predict);
    const rows = (await probs.array()) as number[][];
    probs.dispose();
    return rows;
  }

  /** Accuracy, per-class precision/recall/F1, confusion matrix and ROC/AUC on labelled `data`. */
  async evaluate(
    data: Dataset,
    options: EvaluateOptions & { batchSize?: number; views?: readonly TestView[] } = {},
  ): Promise<EvaluationReport> {
    const { batchSize = 32, views = [], ...rest } = options;
    return evaluatePredictions(await this.predictDataset(data, batchSize, views), data.labels, this.task, rest);
  }

  /**
   * Saves the model (plain TF.js Layers format, loadable by `tf.loadLayersModel`)
   * and `graft.json` to `dir`, atomically. Load it back with `loadPredictor`
   * or cut it again with `loadBackbone`.
   */
  save(dir: string, options: SaveOptions = {}): Promise<GraftManifest> {
    return saveTransferModel(this, dir, options);
  }

  /** The preprocessing configuration stored with the model (null without a preprocessor). */
  get preprocessing(): Json {
    return this.preprocessor ? { name: this.preprocessor.name, config: this.preprocessor.config } : null;
  }

  /** A short description for logs: backbone, cut point, head, freeze policy. */
  describe(): string {
    const trainable = this.backbone.model.layers.filter((l) => l.trainable && l.weights.length > 0).length;
    return `${this.backbone.name} cut at ${this.backbone.provenance.cutAt ?? "output"} → head ${JSON.stringify(this.head.spec)}; backbone ${formatFreezePolicy(this.policy)} (${trainable} layers with weights train)`;
  }

  /** Releases the weights of the backbone and head (the backbone's source model shares them). */
  dispose(): void {
    // Head layers belong to both models, so each holds a reference to them.
    this.model.dispose();
    this.headModel.dispose();
  }
}

/**
 * Puts a fresh head on a backbone for task B. The backbone starts frozen:
 * only the head trains until `freeze` or a training phase unfreezes more.
 */
export function createTransferModel(options: TransferOptions): TransferModel {
  const { backbone, task, head = denseHead(), freeze = "frozen", preprocessor, plugin, seed } = options;
  if (preprocessor) checkInputSpec(preprocessor.spec, backbone.inputSpec, backbone.name);
  if (backbone.model.outputs.length !== 1) {
    throw new InputMismatchError(`Backbone "${backbone.name}" has ${backbone.model.outputs.length} outputs; expected 1.`, 1, backbone.model.outputs.length);
  }
  const transfer = new TransferModel(backbone, task, head, preprocessor, plugin, seed);
  transfer.freeze(freeze);
  return transfer;
}

function applyLayers(layers: readonly tf.layers.Layer[], input: tf.SymbolicTensor): tf.SymbolicTensor {
  return layers.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
}

function uniqueInputName(taken: ReadonlySet<string>): string {
  let name = "head_features";
  for (let i = 2; taken.has(name); i++) name = `head_features_${i}`;
  return name;
}
