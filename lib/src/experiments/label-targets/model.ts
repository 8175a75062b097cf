import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress, yieldToEventLoop } from "../../core";
import type { ImageDataset } from "../../data";
import {
  cosineRegression,
  embeddingCrossEntropy,
  mseRegression,
  oneHotCrossEntropy,
  projectionHead,
  type ProjectionHead,
} from "../../losses";
import { resnet18, smallCnn } from "../../models";
import {
  checkpointProgress,
  fit,
  imageSource,
  originalOneCycleRecipe,
  warmupLinear,
  type EpochRecord,
  type OptimizerConfig,
  type Schedule,
} from "../../train";

/** What the CNN is trained to output. */
export type TargetKind = "onehot" | "cosine" | "mse" | "emb_ce";
export const TARGET_KINDS: readonly TargetKind[] = ["onehot", "cosine", "mse", "emb_ce"];

/** One training run: a target kind, for embedding kinds the label source ("emb_ce:gpt3-davinci"), optionally its own peak lr ("…@0.004"). */
export interface TargetRunSpec {
  kind: TargetKind;
  source?: string;
  /** This run's peak learning rate (adam-warmup); absent = the shared `peakLr`. */
  peakLr?: number;
  /** "onehot" or "kind:source" (without the lr). */
  name: string;
}

/** Parse "onehot", "cosine:gpt3-davinci", "emb_ce:use-lite@0.002", ... */
export function parseRunSpec(spec: string): TargetRunSpec {
  const [body, lrText, extraAt] = spec.trim().split("@");
  let peakLr: number | undefined;
  if (lrText !== undefined || extraAt !== undefined) {
    peakLr = Number(lrText);
    if (extraAt !== undefined || !lrText || !(Number.isFinite(peakLr) && peakLr > 0)) {
      throw new EmbedlabError(
        `bad learning rate in target run "${spec}"`,
        "write a positive number after @, e.g. onehot@0.004",
      );
    }
  }
  const [kind, source, extra] = body.split(":");
  if (!TARGET_KINDS.includes(kind as TargetKind) || extra !== undefined) {
    throw new EmbedlabError(
      `bad target run "${spec}"`,
      `write one of ${TARGET_KINDS.join(", ")}, embedding kinds as kind:source (e.g. emb_ce:gpt3-davinci), optionally @lr`,
    );
  }
  const lr = peakLr === undefined ? {} : { peakLr };
  if (kind === "onehot") {
    if (source) throw new EmbedlabError(`"${spec}": one-hot targets take no label source`, 'write just "onehot"');
    return { kind: "onehot", name: "onehot", ...lr };
  }
  if (!source)
    throw new EmbedlabError(
      `"${spec}": ${kind} needs a label source`,
      `write ${kind}:gpt3-davinci or ${kind}:use-lite`,
    );
  return { kind: kind as TargetKind, source, name: `${kind}:${source}`, ...lr };
}

/** CIFAR per-channel mean and std (0–1 scale). */
export const CIFAR_MEAN = [0.4914, 0.4822, 0.4465];
export const CIFAR_STD = [0.247, 0.243, 0.261];

export interface TrainTargetOptions {
  kind: TargetKind;
  /** "small" (smallCnn, quick) or "resnet18" (full). */
  arch: "small" | "resnet18";
  train: ImageDataset;
  /** Dataset class indices trained on, in the order of the model's outputs (e.g. the seen classes). */
  classes: readonly number[];
  /** Unit target per dataset class index (targetMatrix); required for cosine / mse / emb_ce. */
  targets?: readonly Float32Array[];
  epochs: number;
  batchSize: number;
  /** "adam-warmup": Adam, linear warm-up then linear decay (quick); "sgd-onecycle": the original's SGD one-cycle recipe (full). */
  schedule: "adam-warmup" | "sgd-onecycle";
  /** Peak learning rate for adam-warmup (default 2e-3). */
  peakLr?: number;
  /** Warm-up fraction for adam-warmup (default 0.15). */
  warmup?: number;
  /** Random crop (pad 4) + horizontal flip (default true). */
  augment?: boolean;
  /** emb_ce softmax temperature on cosines (default 0.1). */
  temperature?: number;
  /** emb_ce: width of the CNN output fed to the learned projection (default 128). */
  projectionInput?: number;
  seed?: number;
  /** Progress label. */
  label?: string;
  /** Cap on steps per epoch (tests). */
  maxStepsPerEpoch?: number;
  /**
   * Save a checkpoint here after every epoch (weights, batch-norm statistics, optimizer state, epoch; the
   * shuffling and augmentation streams are derived from seed + epoch) and resume from it: a finished run
   * is not trained again, an interrupted one continues from its last epoch with the same result.
   */
  checkpointDir?: string;
  /** Called after each trained epoch (after its checkpoint is written). */
  onEpochEnd?: (record: EpochRecord) => void;
}

/** A trained model and how to read it. */
export interface TargetModel {
  kind: TargetKind;
  net: tf.LayersModel;
  /** emb_ce: the learned linear map from the CNN output to the label-embedding space. */
  head?: ProjectionHead;
  /** Dataset class indices of the model's training classes, in output order. */
  classes: number[];
  /** Output for a normalised image batch: logits (onehot) or a vector in label-embedding space. */
  forward(x: tf.Tensor4D): tf.Tensor2D;
  /** The representation before the last linear map (features for probes). */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** The last linear map applied to `features(x)`: outputOf(features(x)) equals forward(x). */
  outputOf(features: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

function buildNet(arch: "small" | "resnet18", outputs: number, seed: number): tf.LayersModel {
  return arch === "small"
    ? smallCnn({ inputShape: [32, 32, 3], outputs, seed })
    : resnet18({ inputShape: [32, 32, 3], outputs, seed });
}

function featureModel(net: tf.LayersModel): tf.LayersModel {
  const penult = net.layers[net.layers.length - 2];
  return tf.model({ inputs: net.inputs, outputs: penult.output as tf.SymbolicTensor });
}

function optimizerFor(o: TrainTargetOptions): { optimizer: OptimizerConfig; lr: Schedule; batchSize: number } {
  if (o.schedule === "sgd-onecycle") {
    const r = originalOneCycleRecipe();
    return { optimizer: r.optimizer, lr: r.lr, batchSize: o.batchSize };
  }
  if (o.schedule !== "adam-warmup")
    throw new EmbedlabError(`unknown schedule "${String(o.schedule)}"`, 'use "adam-warmup" or "sgd-onecycle"');
  return {
    optimizer: { type: "adam" },
    lr: warmupLinear({ peakLr: o.peakLr ?? 2e-3, warmup: o.warmup ?? 0.15, finalFrac: 0 }),
    batchSize: o.batchSize,
  };
}

/**
 * Train one CNN from scratch toward one kind of target with the shared fit loop: one-hot CE (logits
 * over `classes`), cosine or MSE regression onto each image's class target, or `emb_ce` (the original's
 * `projection` method: CNN output → learned linear map → softmax over cosines to the training classes'
 * targets / temperature). Labels are remapped to positions in `classes`; other images must be filtered out first.
 */
export async function trainTargetModel(
  o: TrainTargetOptions,
): Promise<{ model: TargetModel; history: EpochRecord[]; seconds: number; resumedFromEpoch: number }> {
  const t0 = Date.now();
  const classes = [...o.classes];
  const pos = new Map(classes.map((c, i) => [c, i]));
  const ds = o.train;
  const y = new Int32Array(ds.n);
  for (let i = 0; i < ds.n; i++) {
    const p = pos.get(ds.labels[i]);
    if (p === undefined)
      throw new EmbedlabError(
        `image ${i} has class ${ds.labels[i]}, which is not among the training classes`,
        "filter the dataset to the training classes first (data.filterByClasses)",
      );
    y[i] = p;
  }
  if (o.kind !== "onehot") {
    if (!o.targets)
      throw new EmbedlabError(`${o.kind} training needs targets`, "pass targets: targetMatrix(labelVectors, ...)");
    for (const c of classes) if (!o.targets[c]) throw new EmbedlabError(`no target for class ${c}`);
  }
  const dim = o.kind === "onehot" ? classes.length : o.targets![classes[0]].length;
  const projIn = o.projectionInput ?? 128;
  const net = buildNet(o.arch, o.kind === "onehot" ? classes.length : o.kind === "emb_ce" ? projIn : dim, o.seed ?? 0);
  const head = o.kind === "emb_ce" ? projectionHead(projIn, dim, { seed: o.seed ?? 0 }) : undefined;
  const targetRows = o.kind === "onehot" ? undefined : tf.tensor2d(classes.map((c) => Array.from(o.targets![c])));
  const temperature = o.temperature ?? 0.1;
  const forward = (x: tf.Tensor4D, training = false): tf.Tensor2D => {
    const out = net.apply(x, { training }) as tf.Tensor2D;
    return head ? head.apply(out) : out;
  };
  const loss = (_m: unknown, x: tf.Tensor, yb: tf.Tensor): tf.Scalar => {
    const out = forward(x as tf.Tensor4D, true);
    const labels = yb as tf.Tensor1D;
    switch (o.kind) {
      case "onehot":
        return oneHotCrossEntropy(labels, out);
      case "emb_ce":
        return embeddingCrossEntropy(out, labels, targetRows as tf.Tensor2D, temperature);
      case "cosine":
        return cosineRegression(out, tf.gather(targetRows as tf.Tensor2D, labels) as tf.Tensor2D);
      case "mse":
        return mseRegression(out, tf.gather(targetRows as tf.Tensor2D, labels));
      default:
        throw new EmbedlabError(`unknown target kind "${String(o.kind)}"`, `use one of ${TARGET_KINDS.join(", ")}`);
    }
  };
  const opt = optimizerFor(o);
  const trainable = {
    trainableVariables: [
      ...net.trainableWeights.map((w) => w.read() as tf.Variable),
      ...(head ? head.trainableVariables : []),
    ],
  };
  const source = imageSource({ data: ds.images, shape: [ds.n, ds.height, ds.width, ds.channels] }, y, {
    mean: CIFAR_MEAN,
    std: CIFAR_STD,
    augment: o.augment === false ? false : { pad: 4, flip: true },
  });
  // One progress update per epoch: a minutes-long run needs no per-step bar (fit yields to the event loop
  // every step, so a notebook kernel sends it live).
  const done = o.checkpointDir ? (checkpointProgress(o.checkpointDir)?.epoch ?? 0) : 0;
  const bar =
    done < o.epochs
      ? progress(o.epochs - done, `train ${o.label ?? o.kind}${done ? ` (resumed after epoch ${done})` : ""}`)
      : undefined;
  let result;
  try {
    result = await fit(trainable, source, {
      loss,
      epochs: o.epochs,
      batchSize: opt.batchSize,
      optimizer: opt.optimizer,
      lr: opt.lr,
      seed: o.seed ?? 0,
      label: o.label ?? o.kind,
      maxStepsPerEpoch: o.maxStepsPerEpoch,
      progress: false,
      checkpointDir: o.checkpointDir,
      state: net.nonTrainableWeights.map((w) => w.read() as tf.Variable),
      onEpochEnd: (r) => {
        bar?.tick(1, `loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(0)} s/epoch)`);
        o.onEpochEnd?.(r);
      },
    });
  } catch (err) {
    net.dispose();
    head?.dispose();
    throw err;
  } finally {
    targetRows?.dispose();
  }
  bar?.done(
    `loss ${result.history[result.history.length - 1].loss.toFixed(4)}, ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  await yieldToEventLoop(); // let pending display messages go out before the next phase
  const feat = head ? undefined : featureModel(net);
  const model: TargetModel = {
    kind: o.kind,
    net,
    head,
    classes,
    forward: (x) => forward(x, false),
    features: (x) =>
      head ? (net.apply(x, { training: false }) as tf.Tensor2D) : (feat!.apply(x, { training: false }) as tf.Tensor2D),
    outputOf: (f) =>
      head ? head.apply(f) : (net.layers[net.layers.length - 1].apply(f, { training: false }) as tf.Tensor2D),
    dispose() {
      net.dispose();
      head?.dispose();
    },
  };
  return {
    model,
    history: result.history,
    seconds: (Date.now() - t0) / 1000,
    resumedFromEpoch: result.resumedFromEpoch,
  };
}
