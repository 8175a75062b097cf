/**
 * Token streams for language-model training: documents split train/validation by document (seeded),
 * concatenated with `<|endoftext|>`, random training windows and fixed validation windows.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../core";
import { GptTokenizer } from "./bpe";
import { GPT } from "./model";
import { crossEntropy } from "./ops";

export interface DocSplit<D> {
  train: D[];
  val: D[];
}

/** Split documents by a seeded shuffle; `valFraction` of them (at least 1) go to validation. */
export function splitDocs<D>(docs: D[], valFraction: number, seed: number): DocSplit<D> {
  const order = new Rng(seed).permutation(docs.length);
  const nVal = Math.max(1, Math.round(docs.length * valFraction));
  const valIdx = new Set(order.slice(0, nVal));
  return { train: docs.filter((_, i) => !valIdx.has(i)), val: docs.filter((_, i) => valIdx.has(i)) };
}

/** Encode texts and join them, each followed by `<|endoftext|>`. */
export function tokenStream(texts: string[], tok: GptTokenizer): Int32Array {
  const parts = texts.map((t) => tok.encode(t));
  const out = new Int32Array(parts.reduce((s, p) => s + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
    out[o++] = tok.eotId;
  }
  return out;
}

/** A batch of `b` random windows of `t + 1` tokens: inputs [b, t] and next-token targets [b·t]. */
export function randomBatch(stream: Int32Array, b: number, t: number, rng: Rng): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(b * t);
  const y = new Int32Array(b * t);
  for (let i = 0; i < b; i++) {
    const s = rng.int(stream.length - t - 1);
    x.set(stream.subarray(s, s + t), i * t);
    y.set(stream.subarray(s + 1, s + t + 1), i * t);
  }
  return { x, y };
}

/** Mean next-token loss (nats) over the first `maxWindows` non-overlapping windows of `stream`. */
export function evalLoss(
  model: GPT,
  stream: Int32Array,
  maxWindows: number,
  batch = 16,
): { loss: number; tokens: number } {
  const t = model.config.block_size;
  const n = Math.min(maxWindows, Math.floor((stream.length - 1) / t));
  let sum = 0;
  let count = 0;
  for (let i0 = 0; i0 < n; i0 += batch) {
    const b = Math.min(batch, n - i0);
    const x = new Int32Array(b * t);
    const y = new Int32Array(b * t);
    for (let i = 0; i < b; i++) {
      const s = (i0 + i) * t;
      x.set(stream.subarray(s, s + t), i * t);
      y.set(stream.subarray(s + 1, s + t + 1), i * t);
    }
    const l = tf.tidy(() => {
      const { logits } = model.forward(tf.tensor2d(x, [b, t], "int32"));
      return crossEntropy(tf.reshape(logits as tf.Tensor3D, [b * t, -1]) as tf.Tensor2D, tf.tensor1d(y, "int32"));
    });
    sum += l.dataSync()[0] * b * t;
    count += b * t;
    l.dispose();
  }
  return { loss: sum / count, tokens: count };
}

/** Cross-entropy (nats/token) of an add-one-smoothed unigram model fit on `train`, on `evalTargets`. */
export function unigramLoss(train: Int32Array, evalTargets: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab).fill(1);
  for (const id of train) counts[id]++;
  const total = train.length + vocab;
  let s = 0;
  for (const id of evalTargets) s -= Math.log(counts[id] / total);
  return s / evalTargets.length;
}
