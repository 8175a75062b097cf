/**
 * Fine-tuning the GPT on `{"text": …}` records: LoRA adapters by default, or any chosen variables
 * (full fine-tuning, adapters plus embeddings). The loss can be masked to the response (the part after
 * `### Output:`), the learning rate warms up then decays linearly, AdamW clips the gradients; adapters
 * are saved at chosen steps and an evaluation hook runs at chosen steps. It is the fitSteps loop on
 * packed examples drawn in seeded shuffled cycles.
 */
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng, progress } from "../core";
import {
  buildExample,
  LoraAdapters,
  nextExampleBatch,
  packExamples,
  weightedLmLoss,
  type GPT,
  type GptTokenizer,
} from "../models/gpt";
import { fitSteps, type StepRecord } from "./fit";
import { makeOptimizer } from "./optimizers";
import { warmupLinear } from "./schedules";

export interface GptFinetuneOptions {
  steps: number;
  batchSize?: number;
  /** Peak learning rate (default 1e-3), decayed linearly to 0 over the steps after `warmup` (default 0). */
  lr?: number;
  warmup?: number;
  /** AdamW's decoupled weight decay on matrices (default 0). */
  weightDecay?: number;
  /** Clip gradients to this global norm (default 1). */
  clipNorm?: number;
  /** Only the response part counts in the loss. */
  maskPrompt?: boolean;
  marker?: string;
  seed?: number;
  /** Train these variables instead of LoRA adapters (full fine-tuning). */
  variables?: tf.Variable[];
  /** Adapters to train (default: new ones with DEFAULT_LORA, attached to the model). */
  adapters?: LoraAdapters;
  /** Save adapters to `<outDir>/step-<n>/` at these steps (and the final one to `<outDir>/final/`). */
  checkpointSteps?: number[];
  outDir?: string;
  /** Evaluation hook, called with the number of steps done at `evalSteps` (0: before the first step). */
  evaluate?: (step: number) => void | Promise<void>;
  evalSteps?: number[];
  /** Called after every step (before the evaluation hook). */
  onStep?: (record: StepRecord) => void;
}

export interface GptFinetuneResult {
  adapters: LoraAdapters | null;
  history: StepRecord[];
  checkpoints: string[];
}

/** Fine-tune `model` in place (its LoRA adapters, or `opts.variables`) on `records`; resolves to the loss history. */
export async function finetuneGpt(
  model: GPT,
  tok: GptTokenizer,
  records: readonly { text: string }[],
  opts: GptFinetuneOptions,
): Promise<GptFinetuneResult> {
  if (records.length === 0) throw new EmbedlabError("no training records", "pass at least one {text} record");
  const T = model.config.block_size;
  const examples = records.map((r) => buildExample(tok, r.text, T, !!opts.maskPrompt, opts.marker));
  if (!examples.some((e) => e.weights.some((w) => w > 0)))
    throw new EmbedlabError("no record has a response token to learn from", "check the records and the marker");
  const adapters = opts.variables ? null : (opts.adapters ?? new LoraAdapters(model, {}, opts.seed ?? 0));
  const vars = opts.variables ?? (adapters as LoraAdapters).variables();
  const optim = makeOptimizer(
    vars,
    { type: "adamw", beta1: 0.9, beta2: 0.999, weightDecay: opts.weightDecay ?? 0, clipNorm: opts.clipNorm ?? 1 },
    (v) => v.rank >= 2,
  );
  const rng = new Rng(opts.seed ?? 0);
  const bs = opts.batchSize ?? 8;
  const checkpoints: string[] = [];
  const save = (name: string): void => {
    if (!opts.outDir || !adapters) return;
    const d = path.join(opts.outDir, name);
    adapters.save(d);
    checkpoints.push(d);
  };
  const saveAt = new Set(opts.checkpointSteps ?? []);
  const order: number[] = [];
  const bar = progress(opts.steps, "finetune");
  try {
    const { history } = await fitSteps({
      variables: vars,
      optimizer: optim,
      steps: opts.steps,
      nextBatch: () => packExamples(nextExampleBatch(examples, order, rng, bs), tok.eotId),
      loss: (packed) => weightedLmLoss(model, packed, true),
      lr: warmupLinear({ peakLr: opts.lr ?? 1e-3, warmup: opts.warmup ?? 0, decayTo: "end" }),
      label: "finetune",
      bar,
      onStep: (r) => {
        opts.onStep?.(r);
        if (saveAt.has(r.step)) save(`step-${r.step}`);
      },
      evaluate: opts.evaluate,
      evalSteps: opts.evalSteps,
    });
    save("final");
    return { adapters, history, checkpoints };
  } finally {
    bar.done();
    optim.dispose();
  }
}
