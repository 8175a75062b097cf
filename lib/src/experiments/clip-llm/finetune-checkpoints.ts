import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress, Rng } from "../../core";
import { AdamW, buildExample, linearLr, nextExampleBatch, packExamples, RESPONSE_MARKER, trainStep, weightedLmLoss, type Example, type GPT, type GptTokenizer } from "../../models/gpt";
import { yieldToEventLoop } from "../../core";
import { snapshot } from "../../train/model-vars";

export interface CheckpointedFinetuneOptions {
  /** Total optimisation steps. */
  steps: number;
  /** Steps after which `evaluate(step)` is called (it is also called at step 0). */
  evalSteps: number[];
  /** Steps whose trained values are kept (the last step is always kept). */
  checkpointSteps: number[];
  /** The trained variables, e.g. LoRA adapters plus embeddings ("modules to save"). */
  variables: tf.Variable[];
  batchSize: number;
  /** Peak learning rate, decayed linearly to 0 over `steps` (after `warmup` steps, default 0). */
  lr: number;
  warmup?: number;
  weightDecay?: number;
  clipNorm?: number;
  /** Count only response tokens (after `### Output:`) in the loss (default true). */
  maskPrompt?: boolean;
  seed?: number;
}

export interface CheckpointedFinetuneResult {
  /** Per step: the training batch's loss and the learning rate used. */
  history: { step: number; loss: number; lr: number }[];
  /** Trained values of `variables` at each checkpoint step (put back with train.restoreValues). */
  checkpoints: Map<number, Float32Array[]>;
}

/**
 * Fine-tune any chosen variables (LoRA adapters and/or base weights) on `{text}` records with one AdamW
 * and one linear learning-rate decay, stopping at `evalSteps` to call `evaluate(step)` and keeping the
 * variables' values at `checkpointSteps`. Built from models.gpt's buildExample / AdamW / trainStep, like
 * models.gpt.finetune, which has no evaluation hook and saves LoRA adapters only. Async: it yields to the
 * event loop after every step, so a notebook kernel can send its live progress updates and answer heartbeats.
 */
export async function finetuneWithCheckpoints(model: GPT, tok: GptTokenizer, records: readonly { text: string }[], opts: CheckpointedFinetuneOptions, evaluate: (step: number) => void = () => undefined): Promise<CheckpointedFinetuneResult> {
  const { steps } = opts;
  if (!(Number.isInteger(steps) && steps > 0)) throw new EmbedlabError(`steps must be a positive integer, got ${steps}`);
  for (const s of [...opts.evalSteps, ...opts.checkpointSteps]) {
    if (!(Number.isInteger(s) && s > 0 && s <= steps)) throw new EmbedlabError(`evaluation/checkpoint step ${s} is outside 1..${steps}`);
  }
  if (records.length === 0) throw new EmbedlabError("no training records", "pass at least one {text} record");
  if (opts.variables.length === 0) throw new EmbedlabError("no variables to train", "pass LoRA adapters' variables() and/or model.variables(filter)");
  const T = model.config.block_size;
  const examples: Example[] = records.map((r) => buildExample(tok, r.text, T, opts.maskPrompt ?? true, RESPONSE_MARKER));
  const evalAt = new Set(opts.evalSteps);
  const keepAt = new Set([...opts.checkpointSteps, steps]);
  const optim = new AdamW({ weightDecay: opts.weightDecay ?? 0, clipNorm: opts.clipNorm ?? 1, beta2: 0.999 });
  const rng = new Rng(opts.seed ?? 0);
  const bs = opts.batchSize;
  const history: CheckpointedFinetuneResult["history"] = [];
  const checkpoints = new Map<number, Float32Array[]>();
  const order: number[] = [];
  evaluate(0);
  const bar = progress(steps, "finetune");
  try {
    for (let step = 0; step < steps; step++) {
      const packed = packExamples(nextExampleBatch(examples, order, rng, bs), tok.eotId);
      const lr = linearLr(step, steps, opts.lr, opts.warmup ?? 0);
      const { loss } = tf.tidy(() => trainStep(() => weightedLmLoss(model, packed, true), opts.variables, optim, lr));
      history.push({ step: step + 1, loss, lr });
      bar.tick(1, `loss ${loss.toFixed(3)}`);
      if (keepAt.has(step + 1)) checkpoints.set(step + 1, snapshot(opts.variables));
      if (evalAt.has(step + 1)) evaluate(step + 1);
      await yieldToEventLoop();
    }
  } finally {
    bar.done();
    optim.dispose();
  }
  return { history, checkpoints };
}
