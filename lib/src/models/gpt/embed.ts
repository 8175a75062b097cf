/**
 * Sentence embeddings from the GPT: the last token's logits or hidden state, or the mean hidden state
 * over the tokens, from any layer. Batched with right padding; causal attention means padding never
 * changes the real positions, and pooling reads only the real ones.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { GptTokenizer } from "./bpe";
import { truncateLeft } from "./generate";
import { GPT } from "./model";

export type GptPooling = "last-token-logits" | "last-token-hidden" | "mean-hidden";

export interface EmbedOptions {
  pooling?: GptPooling;
  /**
   * Hidden-state index for the hidden poolings: 0 = embeddings, i = after block i, n_layer = final
   * (after ln_f, the default); negative counts from the end (−1 = final).
   */
  layer?: number;
  batchSize?: number;
  /** Called when a text is truncated (default console.warn). */
  warn?: (msg: string) => void;
}

interface Prepared {
  seqs: number[][];
  pooling: GptPooling;
  layer: number;
}

function prepare(model: GPT, tokenizer: GptTokenizer, texts: readonly string[], opts: EmbedOptions): Prepared {
  const pooling = opts.pooling ?? "last-token-hidden";
  if (!["last-token-logits", "last-token-hidden", "mean-hidden"].includes(pooling)) {
    throw new EmbedlabError(`unknown pooling "${pooling}"`, "use last-token-logits, last-token-hidden or mean-hidden");
  }
  const nl = model.config.n_layer;
  const layer0 = opts.layer ?? nl;
  const layer = layer0 < 0 ? nl + 1 + layer0 : layer0;
  if (!Number.isInteger(layer) || layer < 0 || layer > nl)
    throw new EmbedlabError(`layer ${layer0} is out of range`, `use 0..${nl} or -1..-${nl + 1}`);
  const T = model.config.block_size;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const seqs = texts.map((t, i) => {
    const ids = tokenizer.encode(t);
    return truncateLeft(ids.length ? ids : [tokenizer.eotId], T, `text ${i}`, warn).ids;
  });
  return { seqs, pooling, layer };
}

/** Pooled vectors [B, D] of one right-padded batch, as a differentiable tensor. */
function poolBatch(
  model: GPT,
  batch: number[][],
  padId: number,
  pooling: GptPooling,
  layer: number,
  training: boolean,
): tf.Tensor2D {
  const B = batch.length;
  const L = Math.max(...batch.map((s) => s.length));
  const ids = new Int32Array(B * L).fill(padId);
  batch.forEach((s, i) => ids.set(s, i * L));
  // pooling weights: 1/len over real tokens (mean) or 1 at the last real token
  const w = new Float32Array(B * L);
  batch.forEach((s, i) => {
    if (pooling === "mean-hidden") w.fill(1 / s.length, i * L, i * L + s.length);
    else w[i * L + s.length - 1] = 1;
  });
  const res = model.forward(tf.tensor2d(ids, [B, L], "int32"), { hidden: true, noLogits: true, training });
  const hl = (res.hidden as tf.Tensor3D[])[pooling === "last-token-logits" ? model.config.n_layer : layer];
  const pooled = tf.sum(tf.mul(hl, tf.tensor3d(w, [B, L, 1])), 1) as tf.Tensor2D;
  return pooling === "last-token-logits" ? model.head(pooled) : pooled;
}

/** One vector per text (empty texts are embedded as the single token <|endoftext|>). */
export function embed(
  model: GPT,
  tokenizer: GptTokenizer,
  texts: readonly string[],
  opts: EmbedOptions = {},
): Float32Array[] {
  const { seqs, pooling, layer } = prepare(model, tokenizer, texts, opts);
  const bs = opts.batchSize ?? 16;
  const out: Float32Array[] = [];
  for (let b0 = 0; b0 < seqs.length; b0 += bs) {
    const batch = seqs.slice(b0, b0 + bs);
    const pooled = tf.tidy(() => poolBatch(model, batch, tokenizer.eotId, pooling, layer, false));
    const d = pooled.shape[1] as number;
    const data = pooled.dataSync() as Float32Array;
    for (let i = 0; i < batch.length; i++) out.push(data.slice(i * d, (i + 1) * d));
    pooled.dispose();
  }
  return out;
}

/**
 * The same vectors as a differentiable tensor [texts, D] in one batch, for training the embedder
 * (e.g. a contrastive loss inside train.fitSteps). `training` turns dropout on.
 */
export function embedTensor(
  model: GPT,
  tokenizer: GptTokenizer,
  texts: readonly string[],
  opts: EmbedOptions & { training?: boolean } = {},
): tf.Tensor2D {
  if (texts.length === 0) throw new EmbedlabError("embedTensor got no texts");
  const { seqs, pooling, layer } = prepare(model, tokenizer, texts, opts);
  return poolBatch(model, seqs, tokenizer.eotId, pooling, layer, !!opts.training);
}
