/**
 * Differentiable mean pooling of the GPT's final hidden states over the real (unpadded) tokens, for
 * training. Same maths as `gpt.embed(..., { pooling: "mean-hidden" })`, but kept in the tape and with
 * no gather (its gradient needs a kernel tfjs-wasm lacks): the mask multiply-and-sum does the pooling.
 */
import * as tf from "@tensorflow/tfjs";
import type { GptTokenizer } from "../../models/gpt/bpe";
import type { GPT } from "../../models/gpt/model";

/** Token ids of each text, cut to `maxTokens` (keeping the start); empty texts become `<|endoftext|>`. */
export function tokenizeForPooling(tokenizer: GptTokenizer, texts: readonly string[], maxTokens: number): number[][] {
  return texts.map((t) => {
    const ids = tokenizer.encode(t);
    return (ids.length ? ids : [tokenizer.eotId]).slice(0, maxTokens);
  });
}

/** [N, C] mean of the final hidden states (after ln_f) over each sequence's tokens. Call inside a tape/tidy. */
export function meanPooledHidden(model: GPT, seqs: readonly number[][], padId: number, training: boolean): tf.Tensor2D {
  const n = seqs.length;
  const L = Math.max(...seqs.map((s) => s.length));
  const ids = new Int32Array(n * L).fill(padId);
  const mask = new Float32Array(n * L);
  seqs.forEach((s, i) => {
    ids.set(s, i * L);
    mask.fill(1 / s.length, i * L, i * L + s.length);
  });
  const { hidden } = model.forward(tf.tensor2d(ids, [n, L], "int32"), { hidden: true, noLogits: true, training });
  const h = (hidden as tf.Tensor3D[])[model.config.n_layer];
  return tf.sum(tf.mul(h, tf.tensor3d(mask, [n, L, 1])), 1) as tf.Tensor2D;
}
