import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress, Rng, yieldToEventLoop } from "../../core";
import { infoNCE, projectionHead } from "../../losses";
import { ClipLite } from "./model";

/** Frozen features for contrastive training: images with class labels, and several caption features per class. */
export interface ClipLiteTrainingData {
  /** One feature vector per training image (all the same length). */
  imageFeatures: readonly Float32Array[];
  /** Class index of each image. */
  labels: ArrayLike<number>;
  /** `classTextFeatures[c]` = features of the captions of class c (one per caption template). */
  classTextFeatures: readonly (readonly Float32Array[])[];
}

export interface ClipLiteOptions {
  /** Shared embedding size (default 128). */
  dim?: number;
  /** Passes over the images (default 5). */
  epochs?: number;
  /** Distinct classes per batch; one image and one caption of each (default: all classes, at most 32). */
  classesPerBatch?: number;
  /** Adam learning rate, decayed linearly to 10 % over training (default 2e-3). */
  lr?: number;
  /**
   * Learning rate of the text head relative to `lr` (default 1). 0 freezes the text head at its seeded random
   * init — a random projection that keeps the text encoder's geometry, so captions unlike the training
   * classes still land in sensible places (a "locked-text" variant).
   */
  textLrScale?: number;
  /** InfoNCE temperature (default 0.07, CLIP's initial value). */
  temperature?: number;
  /**
   * Relative chance of each class to be drawn into a batch (default: all equal). Lets a few label-captioned
   * classes share batches with many one-image "classes" (captioned photos) at a chosen rate.
   */
  classWeights?: ArrayLike<number>;
  seed?: number;
}

export interface ClipLiteEpoch {
  epoch: number;
  loss: number;
}

function meanOf(rows: readonly Float32Array[], dim: number): Float32Array {
  const m = new Float32Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) m[k] += r[k];
  for (let k = 0; k < dim; k++) m[k] /= Math.max(1, rows.length);
  return m;
}

function batchTensor(rows: readonly Float32Array[], mean: Float32Array, dim: number): tf.Tensor2D {
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    for (let k = 0; k < dim; k++) flat[i * dim + k] = r[k] - mean[k];
  });
  return tf.tensor2d(flat, [rows.length, dim]);
}

/**
 * Train the two projection heads with symmetric InfoNCE. Each batch holds one image of each of
 * `classesPerBatch` distinct classes with one randomly chosen caption of that class, so in-batch
 * negatives are never captions of the image's own class. Deterministic for a seed.
 */
export async function trainClipLite(
  data: ClipLiteTrainingData,
  opts: ClipLiteOptions = {},
  onEpoch?: (e: ClipLiteEpoch) => void,
): Promise<{ model: ClipLite; history: ClipLiteEpoch[] }> {
  const n = data.imageFeatures.length;
  const nClasses = data.classTextFeatures.length;
  if (n === 0) throw new EmbedlabError("trainClipLite: no training images");
  if (data.labels.length !== n) throw new EmbedlabError(`trainClipLite: ${n} images but ${data.labels.length} labels`);
  if (nClasses < 2) throw new EmbedlabError("trainClipLite: need captions for at least 2 classes (in-batch negatives)");
  const imageDim = data.imageFeatures[0].length;
  const textDim = data.classTextFeatures.find((c) => c.length)?.[0]?.length ?? 0;
  if (data.classTextFeatures.some((c) => c.length === 0))
    throw new EmbedlabError("trainClipLite: every class needs at least one caption feature");
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) {
    const c = data.labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < nClasses))
      throw new EmbedlabError(`trainClipLite: label ${c} of image ${i} is not a class index in [0, ${nClasses})`);
    if (data.imageFeatures[i].length !== imageDim)
      throw new EmbedlabError(
        `trainClipLite: image ${i} has ${data.imageFeatures[i].length}-d features, expected ${imageDim}`,
      );
    byClass[c].push(i);
  }
  const present = byClass.map((l, c) => (l.length ? c : -1)).filter((c) => c >= 0);
  if (present.length < 2) throw new EmbedlabError("trainClipLite: images of at least 2 classes are needed");

  const dim = opts.dim ?? 128;
  const epochs = opts.epochs ?? 5;
  const k = Math.min(opts.classesPerBatch ?? Math.min(32, present.length), present.length);
  if (k < 2) throw new EmbedlabError("trainClipLite: classesPerBatch must be ≥ 2");
  const lr0 = opts.lr ?? 2e-3;
  const temperature = opts.temperature ?? 0.07;
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const weights = opts.classWeights;
  if (weights && (weights.length !== nClasses || Array.from(weights).some((w) => !(w >= 0))))
    throw new EmbedlabError(`trainClipLite: classWeights needs ${nClasses} weights ≥ 0, got ${weights.length}`);
  const drawable = weights ? present.filter((c) => weights[c] > 0) : present;
  if (drawable.length < k)
    throw new EmbedlabError(`trainClipLite: only ${drawable.length} classes have weight > 0, need ${k}`);
  // Weighted draw without replacement (Efraimidis–Spirakis): the k smallest −log(u)/w.
  const drawClasses = (): number[] =>
    weights
      ? drawable
          .map((c) => ({ c, key: -Math.log(1 - rng.next()) / weights[c] }))
          .sort((a, b) => a.key - b.key)
          .slice(0, k)
          .map((x) => x.c)
      : rng.sample(present, k);

  const allText = data.classTextFeatures.flat();
  const imageMean = meanOf(data.imageFeatures, imageDim);
  const textMean = meanOf(allText, textDim);
  const imgHead = projectionHead(imageDim, dim, { seed: seed + 1, name: "cliplite_image" });
  const txtHead = projectionHead(textDim, dim, { seed: seed + 2, name: "cliplite_text" });
  const textLrScale = opts.textLrScale ?? 1;
  if (!(textLrScale >= 0)) throw new EmbedlabError(`textLrScale must be ≥ 0, got ${textLrScale}`);
  const imgVars = imgHead.trainableVariables;
  const txtVars = textLrScale > 0 ? txtHead.trainableVariables : [];
  const stepsPerEpoch = Math.ceil(n / k);
  const totalSteps = stepsPerEpoch * epochs;
  const optimizer = tf.train.adam(lr0);
  const textOptimizer = tf.train.adam(lr0 * textLrScale);
  const queues = byClass.map((l) => rng.shuffle([...l]));
  const cursor = new Array<number>(nClasses).fill(0);
  const history: ClipLiteEpoch[] = [];
  const bar = progress(totalSteps, "clip-lite heads");
  let step = 0;
  try {
    for (let e = 1; e <= epochs; e++) {
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++, step++) {
        const decay = 1 - 0.9 * (step / totalSteps);
        (optimizer as unknown as { learningRate: number }).learningRate = lr0 * decay;
        (textOptimizer as unknown as { learningRate: number }).learningRate = lr0 * textLrScale * decay;
        const classes = drawClasses();
        const imgRows: Float32Array[] = [];
        const txtRows: Float32Array[] = [];
        for (const c of classes) {
          if (cursor[c] >= queues[c].length) {
            rng.shuffle(queues[c]);
            cursor[c] = 0;
          }
          imgRows.push(data.imageFeatures[queues[c][cursor[c]++]]);
          const caps = data.classTextFeatures[c];
          txtRows.push(caps[rng.int(caps.length)]);
        }
        const xi = batchTensor(imgRows, imageMean, imageDim);
        const xt = batchTensor(txtRows, textMean, textDim);
        const { value: loss, grads } = tf.variableGrads(
          () => infoNCE(imgHead.apply(xi), txtHead.apply(xt), temperature),
          [...imgVars, ...txtVars],
        );
        optimizer.applyGradients(imgVars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
        if (txtVars.length) textOptimizer.applyGradients(txtVars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
        sum += (await loss.data())[0];
        tf.dispose([loss, ...Object.values(grads)]);
        xi.dispose();
        xt.dispose();
        bar.tick(1);
      }
      // a macrotask turn per epoch lets a notebook kernel flush its live progress updates
      await yieldToEventLoop();
      const rec = { epoch: e, loss: sum / stepsPerEpoch };
      history.push(rec);
      onEpoch?.(rec);
    }
    bar.done(`loss ${history[history.length - 1].loss.toFixed(3)}`);
    const model = new ClipLite({
      imageDim,
      textDim,
      dim,
      temperature,
      imageMean: Array.from(imageMean),
      textMean: Array.from(textMean),
      imageW: Array.from(await imgVars[0].data()),
      textW: Array.from(await txtHead.trainableVariables[0].data()),
    });
    return { model, history };
  } finally {
    imgHead.dispose();
    txtHead.dispose();
    optimizer.dispose();
    textOptimizer.dispose();
  }
}
