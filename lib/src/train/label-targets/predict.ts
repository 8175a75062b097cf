import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress } from "../../core";
import type { ImageDataset } from "../../data";
import { l2NormalizeRows } from "../../losses";
import { toTensorImages } from "../images";
import { CIFAR_MEAN, CIFAR_STD, type TargetModel } from "./model";

/** Let the event loop run (a kernel's display messages are sent asynchronously; a long synchronous loop starves them). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Run `fn` over `ds` in batches of normalised images and collect one row per image. */
async function mapBatches(ds: ImageDataset, batch: number, label: string, fn: (x: tf.Tensor4D) => tf.Tensor2D): Promise<Float32Array[]> {
  await yieldToEventLoop();
  if (!(Number.isInteger(batch) && batch > 0)) throw new EmbedlabError(`batch must be a positive integer, got ${batch}`);
  const arr = { data: ds.images, shape: [ds.n, ds.height, ds.width, ds.channels] as [number, number, number, number] };
  const rows: Float32Array[] = [];
  const bar = progress(Math.ceil(ds.n / batch), label);
  for (let s = 0; s < ds.n; s += batch) {
    const idx = Array.from({ length: Math.min(batch, ds.n - s) }, (_, k) => s + k);
    const out = tf.tidy(() => fn(toTensorImages(arr, idx, { mean: CIFAR_MEAN, std: CIFAR_STD })));
    const w = out.shape[1];
    const flat = out.dataSync() as Float32Array;
    out.dispose();
    for (let k = 0; k < idx.length; k++) rows.push(flat.slice(k * w, (k + 1) * w));
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
export async function classScores(model: TargetModel, ds: ImageDataset, labelVectors?: readonly Float32Array[], batch = 250): Promise<Float32Array[]> {
  if (model.kind === "onehot") return mapBatches(ds, batch, "predict", (x) => model.forward(x));
  if (!labelVectors || labelVectors.length === 0) throw new EmbedlabError(`${model.kind} model: classScores needs labelVectors (one per class)`);
  const L = tf.tensor2d(labelVectors.map((v) => Array.from(v)));
  try {
    const Ln = l2NormalizeRows(L);
    try {
      return await mapBatches(ds, batch, "predict", (x) => tf.matMul(l2NormalizeRows(model.forward(x)), Ln, false, true) as tf.Tensor2D);
    } finally {
      Ln.dispose();
    }
  } finally {
    L.dispose();
  }
}

/** The model's features (input of its last linear map) for every image, e.g. for probes. */
export async function imageFeatures(model: TargetModel, ds: ImageDataset, batch = 250): Promise<Float32Array[]> {
  return mapBatches(ds, batch, "features", (x) => model.features(x));
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
