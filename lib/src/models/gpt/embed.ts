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

/** One vector per text (empty texts are embedded as the single token <|endoftext|>). */
export function embed(model: GPT, tokenizer: GptTokenizer, texts: readonly string[], opts: EmbedOptions = {}): Float32Array[] {
  const pooling = opts.pooling ?? "last-token-hidden";
  if (!["last-token-logits", "last-token-hidden", "mean-hidden"].includes(pooling)) {
    throw new EmbedlabError(`unknown pooling "${pooling}"`, "use last-token-logits, last-token-hidden or mean-hidden");
  }
  const nl = model.config.n_layer;
  const layer0 = opts.layer ?? nl;
  const layer = layer0 < 0 ? nl + 1 + layer0 : layer0;
  if (!Number.isInteger(layer) || layer < 0 || layer > nl) throw new EmbedlabError(`layer ${layer0} is out of range`, `use 0..${nl} or -1..-${nl + 1}`);
  const bs = opts.batchSize ?? 16;
  const T = model.config.block_size;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const seqs = texts.map((t, i) => {
    const ids = tokenizer.encode(t);
    return truncateLeft(ids.length ? ids : [tokenizer.eotId], T, `text ${i}`, warn).ids;
  });
  const out: Float32Array[] = [];
  for (let b0 = 0; b0 < seqs.length; b0 += bs) {
    const batch = seqs.slice(b0, b0 + bs);
    const L = Math.max(...batch.map((s) => s.length));
    const ids = new Int32Array(batch.length * L).fill(tokenizer.eotId);
    batch.forEach((s, i) => ids.set(s, i * L));
    const pooled = tf.tidy(() => {
      const res = model.forward(tf.tensor2d(ids, [batch.length, L], "int32"), { hidden: true, noLogits: true });
      if (pooling === "mean-hidden") {
        const mask = new Float32Array(batch.length * L);
        batch.forEach((s, i) => mask.fill(1, i * L, i * L + s.length));
        const m = tf.tensor3d(mask, [batch.length, L, 1]);
        const h = (res.hidden as tf.Tensor3D[])[layer];
        return tf.div(tf.sum(tf.mul(h, m), 1), tf.sum(m, 1));
      }
      const lastIdx = tf.tensor1d(batch.map((s, i) => i * L + s.length - 1), "int32");
      if (pooling === "last-token-hidden") {
        const h = (res.hidden as tf.Tensor3D[])[layer];
        return tf.gather(tf.reshape(h, [batch.length * L, -1]), lastIdx);
      }
      // last-token logits: the final hidden state of the last token through the (tied) head
      const hf = (res.hidden as tf.Tensor3D[])[nl];
      return model.head(tf.gather(tf.reshape(hf, [batch.length * L, -1]), lastIdx) as tf.Tensor2D);
    });
    const d = pooled.shape[1] as number;
    const data = pooled.dataSync() as Float32Array;
    for (let i = 0; i < batch.length; i++) out.push(data.slice(i * d, (i + 1) * d));
    pooled.dispose();
  }
  return out;
}
