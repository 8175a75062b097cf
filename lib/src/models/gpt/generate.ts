/**
 * Text generation: greedy or sampled (temperature, top-k, top-p), repetition penalty, stop strings,
 * seeded RNG (same seed → same text), with or without the KV-cache (same tokens either way).
 * Prompts longer than block_size are truncated from the left with a warning.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../../core";
import { GptTokenizer } from "./bpe";
import { GPT, KVCache } from "./model";

export interface GenerateOptions {
  /** Tokens to add at most (default 50). */
  maxNewTokens?: number;
  /** Always pick the most likely token (also when temperature is 0). */
  greedy?: boolean;
  /** Softmax temperature (default 1). */
  temperature?: number;
  /** Keep only the k most likely tokens (0: off). */
  topK?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability reaches p (1: off). */
  topP?: number;
  /** CTRL-style penalty (> 1 discourages tokens already in the context; 1: off). */
  repetitionPenalty?: number;
  /** Stop when the generated text contains one of these (the stop string is not returned). */
  stop?: string[];
  /** Stop at <|endoftext|> (default true). */
  stopAtEot?: boolean;
  seed?: number;
  /** Use the KV-cache (default true). */
  useCache?: boolean;
  /** Called on truncation (default console.warn). */
  warn?: (msg: string) => void;
}

export interface GenerateResult {
  /** The generated continuation only. */
  text: string;
  /** Generated token ids (including a final <|endoftext|> if it stopped there). */
  ids: number[];
  promptTokens: number;
  /** Prompt tokens dropped from the left to fit block_size. */
  truncated: number;
  stoppedBy: "max" | "stop" | "eot";
}

/** Pick the next token from one row of logits. Exported for tests. */
export function sampleNext(logits: Float32Array, context: readonly number[], opts: GenerateOptions, rng: Rng): number {
  const v = logits.length;
  const z = Float64Array.from(logits);
  const pen = opts.repetitionPenalty ?? 1;
  if (pen !== 1) {
    for (const id of new Set(context)) if (id < v) z[id] = z[id] > 0 ? z[id] / pen : z[id] * pen;
  }
  const temp = opts.temperature ?? 1;
  if (opts.greedy || temp <= 0) {
    let best = 0;
    for (let i = 1; i < v; i++) if (z[i] > z[best]) best = i;
    return best;
  }
  let order = Array.from({ length: v }, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
  const k = opts.topK ?? 0;
  if (k > 0) order = order.slice(0, k);
  const m = z[order[0]];
  let probs = order.map((i) => Math.exp((z[i] - m) / temp));
  let sum = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / sum);
  const topP = opts.topP ?? 1;
  if (topP < 1) {
    let cum = 0;
    let n = 0;
    while (n < probs.length && cum < topP) cum += probs[n++];
    order = order.slice(0, Math.max(1, n));
    probs = probs.slice(0, Math.max(1, n));
    sum = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / sum);
  }
  let r = rng.next();
  for (let i = 0; i < probs.length; i++) {
    r -= probs[i];
    if (r < 0) return order[i];
  }
  return order[order.length - 1];
}

/** Logits of the last position for `ids` [1, T] (T ≥ 1) as a typed array. */
function lastLogits(model: GPT, ids: number[], cache?: KVCache): Float32Array {
  const t = tf.tidy(() => {
    const { logits } = model.forward(tf.tensor2d(ids, [1, ids.length], "int32"), { cache });
    return tf.slice(logits as tf.Tensor3D, [0, ids.length - 1, 0], [1, 1, model.config.vocab_size]);
  });
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/** Left-truncate token ids to at most `max`, warning once if anything was dropped. */
export function truncateLeft(
  ids: number[],
  max: number,
  what: string,
  warn: (m: string) => void,
): { ids: number[]; dropped: number } {
  if (ids.length <= max) return { ids, dropped: 0 };
  const dropped = ids.length - max;
  warn(`${what} has ${ids.length} tokens, more than block_size ${max}: the first ${dropped} were dropped`);
  return { ids: ids.slice(dropped), dropped };
}

export function generate(
  model: GPT,
  tokenizer: GptTokenizer,
  prompt: string,
  opts: GenerateOptions = {},
): GenerateResult {
  const maxNew = opts.maxNewTokens ?? 50;
  if (!Number.isInteger(maxNew) || maxNew < 0)
    throw new EmbedlabError(`maxNewTokens must be a non-negative integer, got ${maxNew}`);
  const T = model.config.block_size;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  let promptIds = tokenizer.encode(prompt);
  if (promptIds.length === 0) promptIds = [tokenizer.eotId];
  const { ids: kept, dropped } = truncateLeft(promptIds, T, "prompt", warn);
  const rng = new Rng(opts.seed ?? 0);
  const ctx = [...kept];
  const out: number[] = [];
  const useCache = opts.useCache ?? true;
  const cache = useCache ? new KVCache(model.config.n_layer) : undefined;
  let stoppedBy: GenerateResult["stoppedBy"] = "max";
  let text = "";
  try {
    let logits = lastLogits(model, ctx.slice(-T), cache);
    for (let i = 0; i < maxNew; i++) {
      const next = sampleNext(logits, ctx, opts, rng);
      out.push(next);
      ctx.push(next);
      if (next === tokenizer.eotId && (opts.stopAtEot ?? true)) {
        stoppedBy = "eot";
        text = tokenizer.decode(out.slice(0, -1));
        break;
      }
      text = tokenizer.decode(out);
      const hit = (opts.stop ?? []).map((s) => (s ? text.indexOf(s) : -1)).filter((p) => p >= 0);
      if (hit.length) {
        text = text.slice(0, Math.min(...hit));
        stoppedBy = "stop";
        break;
      }
      if (i + 1 === maxNew) break;
      if (cache && cache.length + 1 <= T) logits = lastLogits(model, [next], cache);
      else {
        // window full: re-read the last block_size tokens (what the uncached path does every step)
        cache?.dispose();
        logits = lastLogits(model, ctx.slice(-T), cache);
      }
    }
  } finally {
    cache?.dispose();
  }
  return { text, ids: out, promptTokens: kept.length, truncated: dropped, stoppedBy };
}
