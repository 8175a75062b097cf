/**
 * Fine-tuning a BERT-family text classifier (every encoder weight and the head) on labelled texts:
 * seeded shuffled epochs, AdamW with decoupled weight decay on matrices, gradients clipped to a global
 * norm, linear warm-up then linear decay to 0, dropout on. The defaults are Hugging Face Trainer's, which
 * the txtai original used (lr 5e-5, batch 8, no warm-up, no weight decay, max_grad_norm 1), with 5 epochs.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng, progress } from "../core";
import type { bert } from "../models";
import { fitSteps, type StepRecord } from "./fit";
import { makeOptimizer } from "./optimizers";
import { warmupLinear } from "./schedules";

export interface BertFinetuneOptions {
  /** Default 5. */
  epochs?: number;
  /** Default 8. */
  batchSize?: number;
  /** Peak learning rate (default 5e-5), decayed linearly to 0 at the end of the run. */
  lr?: number;
  /** Warm-up steps, or a fraction of the run when < 1 (default 0). */
  warmup?: number;
  /** AdamW's decoupled weight decay on matrices (default 0). */
  weightDecay?: number;
  /** Default 1. */
  clipNorm?: number;
  seed?: number;
  /** Show a progress bar (default true). */
  progress?: boolean;
  label?: string;
  onStep?: (record: StepRecord) => void;
}

export interface BertFinetuneResult {
  history: StepRecord[];
  epochs: number;
  steps: number;
  /** Mean training loss of each epoch. */
  epochLoss: number[];
  seconds: number;
}

/**
 * Fine-tune `clf` in place on `texts` with `targets`: one class id per text, or `classes` probabilities per
 * text (soft labels, row-major). Only these texts and targets are seen.
 */
export async function finetuneBertClassifier(
  clf: bert.BertTextClassifier,
  texts: readonly string[],
  targets: ArrayLike<number>,
  opts: BertFinetuneOptions = {},
): Promise<BertFinetuneResult> {
  const t0 = Date.now();
  const n = texts.length;
  const K = clf.classes;
  if (n === 0) throw new EmbedlabError("finetuneBertClassifier: no training texts");
  const soft = targets.length === n * K && targets.length !== n;
  if (!soft && targets.length !== n)
    throw new EmbedlabError(
      `finetuneBertClassifier: ${n} texts but ${targets.length} targets`,
      `pass one class id per text or ${K} probabilities per text`,
    );
  const y = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    if (soft) for (let c = 0; c < K; c++) y[i * K + c] = targets[i * K + c];
    else {
      const c = targets[i];
      if (!(Number.isInteger(c) && c >= 0 && c < K))
        throw new EmbedlabError(`finetuneBertClassifier: target ${i} is ${c}, not a class id in 0..${K - 1}`);
      y[i * K + c] = 1;
    }
  }
  const epochs = opts.epochs ?? 5;
  const bs = opts.batchSize ?? 8;
  const perEpoch = Math.ceil(n / bs);
  const steps = epochs * perEpoch;
  const vars = clf.model.variables();
  const optim = makeOptimizer(
    vars,
    {
      type: "adamw",
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      clipNorm: opts.clipNorm ?? 1,
    },
    (v) => v.rank >= 2,
  );
  const rng = new Rng(opts.seed ?? 0);
  let order: number[] = [];
  const epochLoss: number[] = [];
  let sum = 0;
  const bar = opts.progress === false ? undefined : progress(steps, opts.label ?? "fine-tune");
  type Batch = { ids: tf.Tensor2D; mask: tf.Tensor2D; y: tf.Tensor2D };
  try {
    const { history } = await fitSteps<Batch>({
      variables: vars,
      optimizer: optim,
      steps,
      nextBatch: (step) => {
        const k = step % perEpoch;
        if (k === 0) order = rng.permutation(n);
        const idx = order.slice(k * bs, (k + 1) * bs);
        const yb = new Float32Array(idx.length * K);
        idx.forEach((i, r) => yb.set(y.subarray(i * K, (i + 1) * K), r * K));
        return { ...clf.inputs(idx.map((i) => texts[i])), y: tf.tensor2d(yb, [idx.length, K]) };
      },
      loss: (b) =>
        tf.tidy(() => {
          const logits = clf.model.logits(b.ids, { mask: b.mask, training: true });
          return tf.mean(tf.neg(tf.sum(tf.mul(b.y, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }),
      disposeBatch: (b) => tf.dispose([b.ids, b.mask, b.y]),
      lr: warmupLinear({ peakLr: opts.lr ?? 5e-5, warmup: opts.warmup ?? 0, decayTo: "end" }),
      label: opts.label ?? "fine-tune",
      bar,
      onStep: (r) => {
        sum += r.loss;
        if (r.step % perEpoch === 0) {
          epochLoss.push(sum / perEpoch);
          sum = 0;
        }
        opts.onStep?.(r);
      },
    });
    return { history, epochs, steps, epochLoss, seconds: (Date.now() - t0) / 1000 };
  } finally {
    bar?.done();
    optim.dispose();
  }
}
