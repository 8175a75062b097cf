/**
 * Contrastive fine-tuning of the GPT into a sentence embedder: both sides of each pair are pooled
 * hidden states (`gpt.embedTensor`, mean-pooled final layer by default), and the loss is the
 * symmetric InfoNCE with in-batch negatives
 *   L = ½ [ CE(softmax_j cos(a_i, b_j)/τ, i) + CE(softmax_j cos(b_i, a_j)/τ, i) ],
 * averaged over the batch. All weights are trained with AdamW (warm-up then cosine decay), in the
 * fitSteps loop.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress } from "../../core";
import { infoNCE } from "../../losses/contrastive";
import type { GptTokenizer } from "../../models/gpt/bpe";
import { embedTensor, type GptPooling } from "../../models/gpt/embed";
import type { GPT } from "../../models/gpt/model";
import { fitSteps, type StepRecord } from "../../train/fit";
import { makeOptimizer } from "../../train/optimizers";
import { warmupCosine } from "../../train/schedules";
import { pairBatches, type TextPair } from "./pairs";

/** The first `n` whitespace-separated words of `text` (training speed: long sentences are cut). */
export function firstWords(text: string, n: number): string {
  const w = text.split(/\s+/).filter(Boolean);
  return w.length <= n ? text : w.slice(0, n).join(" ");
}

export interface ContrastiveOptions {
  steps: number;
  /** Pairs per batch (each batch has 2·batch texts; 2·(batch − 1) negatives per text). */
  batch?: number;
  temperature?: number;
  lr?: number;
  /** Warm-up steps (default 10 % of steps). */
  warmup?: number;
  weightDecay?: number;
  clipNorm?: number;
  /** Words kept per text while training (from the start; default 24 ≈ 33 tokens). */
  maxWords?: number;
  /** Pooling of the embedder (default "mean-hidden"). */
  pooling?: GptPooling;
  /** Apply the model's dropout while training (SimCSE needs it; default false). */
  dropout?: boolean;
  seed?: number;
  /** Label for the progress bar. */
  label?: string;
}

/** One step's record: steps done, the batch's loss, the learning rate used. */
export type ContrastiveStep = StepRecord;

export interface ContrastiveResult {
  history: ContrastiveStep[];
  seconds: number;
  pairs: number;
  /** Pairs per source (e.g. { "wikiqa-qa": 70, "brown-next": 2000 }). */
  sources: Record<string, number>;
}

/**
 * Fine-tune `model` in place on `pairs`; resolves to the loss history. Yields to the event loop after every
 * step, so a notebook kernel stays responsive (live progress, heartbeats, interrupts).
 */
export async function contrastiveFinetune(
  model: GPT,
  tokenizer: GptTokenizer,
  pairs: readonly TextPair[],
  opts: ContrastiveOptions,
): Promise<ContrastiveResult> {
  const steps = opts.steps;
  if (!(Number.isInteger(steps) && steps >= 0))
    throw new EmbedlabError(`steps must be a non-negative integer, got ${steps}`);
  const batch = opts.batch ?? 32;
  const temperature = opts.temperature ?? 0.05;
  const lr = opts.lr ?? 1e-3;
  const warmup = opts.warmup ?? Math.max(1, Math.round(steps * 0.1));
  const maxWords = opts.maxWords ?? 24;
  const pooling = opts.pooling ?? "mean-hidden";
  const seed = opts.seed ?? 0;
  const sources: Record<string, number> = {};
  for (const p of pairs) sources[p.source] = (sources[p.source] ?? 0) + 1;
  const t0 = Date.now();
  const history: ContrastiveStep[] = [];
  if (steps === 0) return { history, seconds: 0, pairs: pairs.length, sources };
  const batches = pairBatches(pairs, batch, steps, seed);
  const vars = model.variables();
  const opt = makeOptimizer(
    vars,
    { type: "adamw", beta1: 0.9, beta2: 0.95, weightDecay: opts.weightDecay ?? 0.01, clipNorm: opts.clipNorm ?? 1.0 },
    (v) => v.rank >= 2,
  );
  const bar = progress(steps, opts.label ?? "contrastive fine-tune");
  try {
    await fitSteps({
      variables: vars,
      optimizer: opt,
      steps,
      nextBatch: (step) =>
        [...batches[step].map((i) => pairs[i].a), ...batches[step].map((i) => pairs[i].b)].map((t) =>
          firstWords(t, maxWords),
        ),
      loss: (texts) => {
        const pooled = embedTensor(model, tokenizer, texts, { pooling, training: !!opts.dropout });
        const [a, b] = tf.split(pooled, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
        return infoNCE(a, b, temperature);
      },
      lr: warmupCosine({ peakLr: lr, warmup, finalFrac: 0.1, decayTo: "end" }),
      label: "contrastive fine-tune",
      nonFiniteHint: "lower the learning rate or raise the temperature",
      bar,
      onStep: (r) => history.push(r),
    });
  } finally {
    opt.dispose();
    bar.done(history.length ? `loss ${history[history.length - 1].loss.toFixed(3)}` : undefined);
  }
  return { history, seconds: (Date.now() - t0) / 1000, pairs: pairs.length, sources };
}
