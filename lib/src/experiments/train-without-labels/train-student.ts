import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { fit, type FitResult } from "../../train/fit";
import { warmupLinear } from "../../train/schedules";
import type { BatchSource } from "../../train/sources";
import { buildFeatureIndex } from "../../models/student";
import { StudentModel, type StudentConfig } from "../../models/student";
import type { WordVectorTable } from "../../models/student";

export interface TrainStudentOptions extends StudentConfig {
  epochs?: number;
  /** Train for at least this many optimizer steps (more epochs on small sets); default 0. */
  minSteps?: number;
  batchSize?: number;
  /** Peak learning rate (AdamW, 10 % warm-up then linear decay; default 3e-3). */
  lr?: number;
  weightDecay?: number;
  /** Learn bigram embeddings as well as words (default true). */
  bigrams?: boolean;
  /** Frozen pretrained word vectors to add (undefined = none). */
  wordVectors?: WordVectorTable;
  /** Per-example weights (e.g. 0 to drop an example); default all 1. */
  weights?: ArrayLike<number>;
  progress?: boolean;
  label?: string;
}

export interface TrainedStudent {
  model: StudentModel;
  fit: FitResult;
  seconds: number;
}

/**
 * Train a student on `texts` with `targets`: class ids (hard labels) or rows of class probabilities
 * (soft labels, [n, classes] row-major). Only these texts and targets are seen.
 */
export async function trainStudent(
  texts: readonly string[],
  targets: ArrayLike<number>,
  opts: TrainStudentOptions = {},
): Promise<TrainedStudent> {
  const t0 = Date.now();
  const classes = opts.classes ?? 2;
  const n = texts.length;
  if (n === 0) throw new EmbedlabError("trainStudent: no training texts");
  const soft = targets.length === n * classes && classes !== 1 && targets.length !== n;
  if (!soft && targets.length !== n)
    throw new EmbedlabError(
      `trainStudent: ${n} texts but ${targets.length} targets`,
      `pass one class id per text or ${classes} probabilities per text`,
    );
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    if (soft) for (let c = 0; c < classes; c++) y[i * classes + c] = targets[i * classes + c];
    else {
      const c = targets[i];
      if (!(Number.isInteger(c) && c >= 0 && c < classes))
        throw new EmbedlabError(`trainStudent: target ${i} is ${c}, not a class id in 0..${classes - 1}`);
      y[i * classes + c] = 1;
    }
  }
  const index = buildFeatureIndex(texts, { bigrams: opts.bigrams ?? true });
  const model = new StudentModel(index, opts.wordVectors, { ...opts, classes });
  const width = model.frozenDim + model.maxLen;
  const xAll = model.encode(texts);
  const w = opts.weights;
  const source: BatchSource = {
    size: n,
    batch(idx) {
      const xb = new Float32Array(idx.length * width);
      const yb = new Float32Array(idx.length * (classes + 1));
      idx.forEach((i, r) => {
        xb.set(xAll.subarray(i * width, (i + 1) * width), r * width);
        for (let c = 0; c < classes; c++) yb[r * (classes + 1) + c] = y[i * classes + c];
        yb[r * (classes + 1) + classes] = w ? w[i] : 1;
      });
      return { x: tf.tensor2d(xb, [idx.length, width]), y: tf.tensor2d(yb, [idx.length, classes + 1]) };
    },
  };
  const batchSize = opts.batchSize ?? 32;
  const epochs = Math.max(opts.epochs ?? 10, Math.ceil((opts.minSteps ?? 0) / Math.ceil(n / batchSize)));
  const result = await fit(model, source, {
    epochs,
    batchSize,
    seed: opts.seed ?? 0,
    optimizer: { type: "adamw", weightDecay: opts.weightDecay ?? 0 },
    lr: warmupLinear({ peakLr: opts.lr ?? 3e-3, warmup: 0.1 }),
    progress: opts.progress ?? false,
    label: opts.label ?? "student",
    loss: (m, x, yw) =>
      tf.tidy(() => {
        const logits = m.apply(x as tf.Tensor2D);
        const yt = tf.slice(yw, [0, 0], [yw.shape[0], classes]);
        const wt = tf.reshape(tf.slice(yw, [0, classes], [yw.shape[0], 1]), [yw.shape[0]]);
        const ce = tf.neg(tf.sum(tf.mul(yt, tf.logSoftmax(logits)), 1));
        return tf.div(tf.sum(tf.mul(ce, wt)), tf.maximum(tf.sum(wt), 1e-6)) as tf.Scalar;
      }),
  });
  return { model, fit: result, seconds: (Date.now() - t0) / 1000 };
}
