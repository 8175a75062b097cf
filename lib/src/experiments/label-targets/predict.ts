import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress, yieldToEventLoop } from "../../core";
import type { ImageDataset } from "../../data";
import { l2NormalizeRows } from "../../losses";
import { toTensorImages } from "../../train";
import { CIFAR_MEAN, CIFAR_STD, type TargetModel } from "./model";

/** Run `fn` over `ds` in batches of normalised images and collect one row per image. */
async function mapBatches(
  ds: ImageDataset,
  batch: number,
  label: string,
  fn: (x: tf.Tensor4D) => tf.Tensor2D,
): Promise<Float32Array[]> {
  return (await mapBatchesMulti(ds, batch, label, (x) => [fn(x)]))[0];
}

/** Like mapBatches for a function with several outputs per batch: one list of rows per output. */
async function mapBatchesMulti(
  ds: ImageDataset,
  batch: number,
  label: string,
  fn: (x: tf.Tensor4D) => tf.Tensor2D[],
): Promise<Float32Array[][]> {
  await yieldToEventLoop();
  if (!(Number.isInteger(batch) && batch > 0))
    throw new EmbedlabError(`batch must be a positive integer, got ${batch}`);
  const arr = { data: ds.images, shape: [ds.n, ds.height, ds.width, ds.channels] as [number, number, number, number] };
  const rows: Float32Array[][] = [];
  const bar = progress(Math.ceil(ds.n / batch), label);
  for (let s = 0; s < ds.n; s += batch) {
    const idx = Array.from({ length: Math.min(batch, ds.n - s) }, (_, k) => s + k);
    const outs = tf.tidy(() => fn(toTensorImages(arr, idx, { mean: CIFAR_MEAN, std: CIFAR_STD })));
    outs.forEach((out, o) => {
      const w = out.shape[1];
      const flat = out.dataSync() as Float32Array;
      out.dispose();
      rows[o] ??= [];
      for (let k = 0; k < idx.length; k++) rows[o].push(flat.slice(k * w, (k + 1) * w));
    });
    bar.tick(1);
    await yieldToEventLoop();
  }
  bar.done(`${ds.n} images`);
  return rows;
}

/**
 * Class scores per image. One-hot models: logits over their training classes (model.classes order).
 * Embedding models: cosine of the output to every row of `labelVectors` (default: none → error), so the
 * scores can cover classes the model never saw (zero-shot).
 */
export async function classScores(
  model: TargetModel,
  ds: ImageDataset,
  labelVectors?: readonly Float32Array[],
  batch = 250,
): Promise<Float32Array[]> {
  return withScorer(model, labelVectors, (score) => mapBatches(ds, batch, "predict", (x) => score(model.forward(x))));
}

/**
 * Run `fn` with the function that turns model outputs into class scores: the logits themselves (one-hot), or
 * their cosines to every row of `labelVectors` (embedding models; the normalised rows are freed afterwards).
 */
async function withScorer<T>(
  model: TargetModel,
  labelVectors: readonly Float32Array[] | undefined,
  fn: (score: (out: tf.Tensor2D) => tf.Tensor2D) => Promise<T>,
): Promise<T> {
  if (model.kind === "onehot") return fn((out) => out);
  if (!labelVectors || labelVectors.length === 0)
    throw new EmbedlabError(`${model.kind} model: class scores need labelVectors (one per class)`);
  const Ln = tf.tidy(() => l2NormalizeRows(tf.tensor2d(labelVectors.map((v) => Array.from(v)))));
  try {
    return await fn((out) => tf.matMul(l2NormalizeRows(out), Ln, false, true) as tf.Tensor2D);
  } finally {
    Ln.dispose();
  }
}

/** The model's features (input of its last linear map) for every image, e.g. for probes. */
export async function imageFeatures(model: TargetModel, ds: ImageDataset, batch = 250): Promise<Float32Array[]> {
  return mapBatches(ds, batch, "features", (x) => model.features(x));
}

export interface ModelReading {
  /** Class scores as `classScores` gives them (when asked for). */
  scores?: Float32Array[];
  /** Features as `imageFeatures` gives them (when asked for). */
  features?: Float32Array[];
}

/** Class scores and/or features of every image in one pass over `ds` (the features feed the model's last linear map). */
export async function readModel(
  model: TargetModel,
  ds: ImageDataset,
  what: { scores?: boolean; features?: boolean; labelVectors?: readonly Float32Array[] },
  batch = 250,
): Promise<ModelReading> {
  if (!what.scores) return what.features ? { features: await imageFeatures(model, ds, batch) } : {};
  if (!what.features) return { scores: await classScores(model, ds, what.labelVectors, batch) };
  return withScorer(model, what.labelVectors, async (score) => {
    const [features, scores] = await mapBatchesMulti(ds, batch, "predict", (x) => {
      const f = model.features(x);
      return [f, score(model.outputOf(f))];
    });
    return { scores, features };
  });
}

/** Argmax per row, mapped through `classIds` (score column → dataset class index). */
export function argmaxClasses(scores: readonly Float32Array[], classIds?: readonly number[]): Int32Array {
  const out = new Int32Array(scores.length);
  scores.forEach((row, i) => {
    let b = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[b]) b = j;
    out[i] = classIds ? classIds[b] : b;
  });
  return out;
}
