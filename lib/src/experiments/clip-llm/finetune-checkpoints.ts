import type * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { RESPONSE_MARKER, type GPT, type GptTokenizer } from "../../models/gpt";
import { finetuneGpt } from "../../train/lm-finetune";
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
 * Fine-tune any chosen variables (LoRA adapters and/or base weights) on `{text}` records with
 * train.finetuneGpt (AdamW, one linear learning-rate decay), calling `evaluate(step)` at step 0 and at
 * `evalSteps` through its evaluation hook and keeping the variables' values at `checkpointSteps`. Async:
 * the loop yields to the event loop after every step, so a notebook kernel can send its live progress
 * updates and answer heartbeats.
 */
export async function finetuneWithCheckpoints(
  model: GPT,
  tok: GptTokenizer,
  records: readonly { text: string }[],
  opts: CheckpointedFinetuneOptions,
  evaluate: (step: number) => void = () => undefined,
): Promise<CheckpointedFinetuneResult> {
  const { steps } = opts;
  if (!(Number.isInteger(steps) && steps > 0))
    throw new EmbedlabError(`steps must be a positive integer, got ${steps}`);
  for (const s of [...opts.evalSteps, ...opts.checkpointSteps]) {
    if (!(Number.isInteger(s) && s > 0 && s <= steps))
      throw new EmbedlabError(`evaluation/checkpoint step ${s} is outside 1..${steps}`);
  }
  if (records.length === 0) throw new EmbedlabError("no training records", "pass at least one {text} record");
  if (opts.variables.length === 0)
    throw new EmbedlabError("no variables to train", "pass LoRA adapters' variables() and/or model.variables(filter)");
  const keepAt = new Set([...opts.checkpointSteps, steps]);
  const checkpoints = new Map<number, Float32Array[]>();
  const { history } = await finetuneGpt(model, tok, records, {
    steps,
    variables: opts.variables,
    batchSize: opts.batchSize,
    lr: opts.lr,
    warmup: opts.warmup,
    weightDecay: opts.weightDecay,
    clipNorm: opts.clipNorm,
    maskPrompt: opts.maskPrompt ?? true,
    marker: RESPONSE_MARKER,
    seed: opts.seed,
    onStep: (r) => {
      if (keepAt.has(r.step)) checkpoints.set(r.step, snapshot(opts.variables));
    },
    evaluate,
    evalSteps: [0, ...opts.evalSteps],
  });
  return { history, checkpoints };
}
