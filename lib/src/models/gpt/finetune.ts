/**
 * Fine-tuning on `{"text": …}` records (JSONL): LoRA adapters by default, or any chosen variables.
 * The loss can be masked to the response (the part after `### Output:`), the learning rate decays
 * linearly, adapters are saved at chosen steps, and the loss history is returned.
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CorruptDataError, EmbedlabError, Rng, progress } from "../../core";
import { readJsonlLines } from "../../data/jsonl";
import { AdamW, linearLr, trainStep } from "./adamw";
import { GptTokenizer } from "./bpe";
import { LoraAdapters } from "./lora";
import { GPT } from "./model";
import { crossEntropy } from "./ops";

export const RESPONSE_MARKER = "### Output:";

/** A batch of examples as next-token rows padded with the eot id: `x` [rows, L], `y` and loss weights `w` [rows·L]. */
export interface PackedExamples {
  x: Int32Array;
  y: Int32Array;
  w: Float32Array;
  rows: number;
  L: number;
}

/** Pack examples (ids and per-target weights, as from buildExample) into next-token rows of the longest one's length. */
export function packExamples(batch: readonly Example[], eotId: number): PackedExamples {
  if (batch.length === 0) throw new EmbedlabError("packExamples got an empty batch", "pass at least one example");
  const rows = batch.length;
  const L = Math.max(...batch.map((e) => e.ids.length)) - 1;
  const x = new Int32Array(rows * L).fill(eotId);
  const y = new Int32Array(rows * L).fill(eotId);
  const w = new Float32Array(rows * L);
  batch.forEach((e, i) => {
    x.set(e.ids.slice(0, -1), i * L);
    y.set(e.ids.slice(1), i * L);
    w.set(e.weights, i * L);
  });
  return { x, y, w, rows, L };
}

/**
 * The next `bs` examples of a shuffled cycle over `examples`. `order` is the caller's cycle state
 * (start with []): it is refilled with a fresh `rng` permutation whenever it runs out.
 */
export function nextExampleBatch<E>(examples: readonly E[], order: number[], rng: Rng, bs: number): E[] {
  const batch: E[] = [];
  while (batch.length < bs) {
    if (order.length === 0) for (const i of rng.permutation(examples.length)) order.push(i);
    batch.push(examples[order.pop() as number]);
  }
  return batch;
}

/** The weighted next-token cross-entropy of the model on packed examples (call inside a tidy / trainStep). */
export function weightedLmLoss(model: GPT, p: PackedExamples, training = false): tf.Scalar {
  const { logits } = model.forward(tf.tensor2d(p.x, [p.rows, p.L], "int32"), { training });
  return crossEntropy(tf.reshape(logits as tf.Tensor3D, [p.rows * p.L, model.config.vocab_size]) as tf.Tensor2D, tf.tensor1d(p.y, "int32"), tf.tensor1d(p.w));
}

/** Read a JSONL file of `{"text": string}` records (blank lines skipped). */
export function readTextJsonl(file: string): { text: string }[] {
  return readJsonlLines<{ text?: unknown }>(file).map(({ value, line, offset }) => {
    const text = value?.text;
    if (typeof text !== "string") throw new CorruptDataError(file, `line ${line} has no string "text" field`, offset);
    return { text };
  });
}

export interface Example {
  ids: number[];
  /** Per target position (ids[i+1]) weight: 1 counts in the loss, 0 does not. */
  weights: number[];
}

/**
 * Tokenise one record: `text` + <|endoftext|>. With `maskPrompt`, the part up to and including the
 * marker is tokenised on its own and gets weight 0 (so the boundary is the same at inference when the
 * prompt ends with the marker). Longer than block_size + 1: the prompt loses its start, then the
 * response its end.
 */
export function buildExample(tok: GptTokenizer, text: string, blockSize: number, maskPrompt: boolean, marker = RESPONSE_MARKER): Example {
  let promptIds: number[] = [];
  let rest = text;
  if (maskPrompt) {
    const at = text.indexOf(marker);
    if (at < 0) throw new EmbedlabError(`record has no "${marker}" to split prompt from response: ${JSON.stringify(text.slice(0, 80))}`, "use the template ### Instruction: … ### Output: …, or maskPrompt: false");
    promptIds = tok.encode(text.slice(0, at + marker.length));
    rest = text.slice(at + marker.length);
  }
  let resp = [...tok.encode(rest), tok.eotId];
  const max = blockSize + 1;
  if (promptIds.length + resp.length > max) {
    // keep the end of the prompt (the marker sits next to the response), then cut the response's end
    promptIds = promptIds.slice(Math.max(0, promptIds.length - Math.max(1, max - resp.length)));
    resp = resp.slice(0, max - promptIds.length);
  }
  const ids = [...promptIds, ...resp];
  const weights = ids.slice(1).map((_, i) => (i + 1 < promptIds.length ? 0 : 1));
  return { ids, weights };
}

export interface FinetuneOptions {
  steps: number;
  batchSize?: number;
  lr?: number;
  warmup?: number;
  weightDecay?: number;
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
}

export interface FinetuneResult {
  adapters: LoraAdapters | null;
  history: { step: number; loss: number; lr: number }[];
  checkpoints: string[];
}

export function finetune(model: GPT, tok: GptTokenizer, records: { text: string }[], opts: FinetuneOptions): FinetuneResult {
  if (records.length === 0) throw new EmbedlabError("no training records", "pass at least one {text} record");
  const T = model.config.block_size;
  const examples = records.map((r) => buildExample(tok, r.text, T, !!opts.maskPrompt, opts.marker));
  if (!examples.some((e) => e.weights.some((w) => w > 0))) throw new EmbedlabError("no record has a response token to learn from", "check the records and the marker");
  const adapters = opts.variables ? null : opts.adapters ?? new LoraAdapters(model, {}, opts.seed ?? 0);
  const vars = opts.variables ?? (adapters as LoraAdapters).variables();
  const optim = new AdamW({ weightDecay: opts.weightDecay ?? 0, clipNorm: opts.clipNorm ?? 1, beta2: 0.999 });
  const rng = new Rng(opts.seed ?? 0);
  const bs = opts.batchSize ?? 8;
  const lr = opts.lr ?? 1e-3;
  const history: FinetuneResult["history"] = [];
  const checkpoints: string[] = [];
  const save = (name: string): void => {
    if (!opts.outDir || !adapters) return;
    const d = path.join(opts.outDir, name);
    adapters.save(d);
    checkpoints.push(d);
  };
  const bar = progress(opts.steps, "finetune");
  const order: number[] = [];
  for (let step = 0; step < opts.steps; step++) {
    const packed = packExamples(nextExampleBatch(examples, order, rng, bs), tok.eotId);
    const lrNow = linearLr(step, opts.steps, lr, opts.warmup ?? 0);
    const { loss } = tf.tidy(() => trainStep(() => weightedLmLoss(model, packed, true), vars, optim, lrNow));
    history.push({ step: step + 1, loss, lr: lrNow });
    bar.tick(1, `loss ${loss.toFixed(3)}`);
    if (opts.checkpointSteps?.includes(step + 1)) save(`step-${step + 1}`);
  }
  bar.done();
  save("final");
  optim.dispose();
  return { adapters, history, checkpoints };
}
