import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../../core";
import { encodeBags, type FeatureIndex } from "./features";
import { meanWordVectors, type WordVectorTable } from "./word-vectors";

/** A trainable variable from values, without leaving the initial tensor behind. */
function variable(values: Float32Array, shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape)));
}

export interface StudentConfig {
  /** Width of the learned word/bigram embeddings (default 32). */
  embedDim?: number;
  /** Hidden ReLU layer width; 0 = a linear classifier on the features, as in fastText (default 0). */
  hidden?: number;
  /** Number of classes (default 2). */
  classes?: number;
  /** Most features per text (default 128). */
  maxLen?: number;
  /** Seeds the initial weights (default 0). */
  seed?: number;
}

/**
 * fastText-style student: the mean of learned embeddings of the text's words and bigrams, next to the
 * mean of frozen pretrained word vectors (optional), then a linear layer (or one hidden layer).
 * Input rows pack [frozen mean vector | padded feature ids as floats] so one tensor carries a batch.
 */
export class StudentModel {
  readonly embedDim: number;
  readonly hidden: number;
  readonly classes: number;
  readonly maxLen: number;
  readonly frozenDim: number;
  readonly embeddings: tf.Variable;
  readonly trainableVariables: tf.Variable[];
  private readonly w: tf.Variable;
  private readonly b: tf.Variable;
  private readonly w2?: tf.Variable;
  private readonly b2?: tf.Variable;

  constructor(
    readonly index: FeatureIndex,
    readonly wordVectors: WordVectorTable | undefined,
    cfg: StudentConfig = {},
  ) {
    this.embedDim = cfg.embedDim ?? 32;
    this.hidden = cfg.hidden ?? 0;
    this.classes = cfg.classes ?? 2;
    this.maxLen = cfg.maxLen ?? 128;
    this.frozenDim = wordVectors?.dim ?? 0;
    if (!(this.embedDim >= 0 && this.hidden >= 0 && this.classes >= 2))
      throw new EmbedlabError(`bad student config ${JSON.stringify(cfg)}`, "use embedDim ≥ 0, hidden ≥ 0, classes ≥ 2");
    if (this.embedDim === 0 && this.frozenDim === 0)
      throw new EmbedlabError("student has no features", "give embedDim > 0 or word vectors");
    const rng = new Rng(cfg.seed ?? 0);
    const normal = (n: number, sd: number) => Float32Array.from({ length: n }, () => sd * rng.normal());
    const e = Math.max(1, this.embedDim);
    const emb = normal((index.size + 1) * e, 1 / e);
    emb.fill(0, index.size * e); // padding row
    this.embeddings = variable(emb, [index.size + 1, e]);
    const inDim = this.frozenDim + this.embedDim;
    const out = this.hidden > 0 ? this.hidden : this.classes;
    this.w = variable(normal(inDim * out, Math.sqrt(1 / inDim)), [inDim, out]);
    this.b = variable(new Float32Array(out), [out]);
    this.trainableVariables = [this.w, this.b];
    if (this.embedDim > 0) this.trainableVariables.unshift(this.embeddings);
    if (this.hidden > 0) {
      this.w2 = variable(normal(this.hidden * this.classes, Math.sqrt(1 / this.hidden)), [this.hidden, this.classes]);
      this.b2 = variable(new Float32Array(this.classes), [this.classes]);
      this.trainableVariables.push(this.w2, this.b2);
    }
  }

  /** Trainable parameters (the padding row excluded) and frozen word-vector values. */
  paramCount(): { trainable: number; frozen: number; total: number } {
    let trainable = this.trainableVariables.reduce((s, v) => s + v.size, 0);
    if (this.embedDim > 0) trainable -= this.embedDim;
    const frozen = this.wordVectors ? this.wordVectors.vectors.length : 0;
    return { trainable, frozen, total: trainable + frozen };
  }

  /** Packed input rows for `texts`: [n, frozenDim + maxLen] float32. */
  encode(texts: readonly string[]): Float32Array {
    const width = this.frozenDim + this.maxLen;
    const x = new Float32Array(texts.length * width);
    const g = this.wordVectors ? meanWordVectors(texts, this.wordVectors) : undefined;
    const { ids } = encodeBags(texts, this.index, this.maxLen);
    for (let r = 0; r < texts.length; r++) {
      if (g) x.set(g.subarray(r * this.frozenDim, (r + 1) * this.frozenDim), r * width);
      for (let k = 0; k < this.maxLen; k++) x[r * width + this.frozenDim + k] = ids[r * this.maxLen + k];
    }
    return x;
  }

  /** Logits [B, classes] for packed rows x [B, frozenDim + maxLen]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const n = x.shape[0];
      const parts: tf.Tensor2D[] = [];
      if (this.frozenDim > 0) parts.push(tf.slice(x, [0, 0], [n, this.frozenDim]));
      if (this.embedDim > 0) {
        const ids = tf.cast(tf.slice(x, [0, this.frozenDim], [n, this.maxLen]), "int32");
        const mask = tf.cast(tf.notEqual(ids, this.index.size), "float32");
        const rows = tf.gather(this.embeddings, ids); // [n, L, e]
        const summed = tf.sum(tf.mul(rows, tf.expandDims(mask, 2)), 1);
        parts.push(tf.div(summed, tf.expandDims(tf.maximum(tf.sum(mask, 1), 1), 1)) as tf.Tensor2D);
      }
      const feat = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
      let h = tf.add(tf.matMul(feat, this.w), this.b) as tf.Tensor2D;
      if (this.w2 && this.b2) h = tf.add(tf.matMul(tf.relu(h), this.w2), this.b2) as tf.Tensor2D;
      return h;
    });
  }

  /** Class probabilities for texts, row-major [n, classes]. */
  async predictProba(texts: readonly string[], batchSize = 1024): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.classes);
    for (let s = 0; s < texts.length; s += batchSize) {
      const chunk = texts.slice(s, s + batchSize);
      const x = tf.tensor2d(this.encode(chunk), [chunk.length, this.frozenDim + this.maxLen]);
      const p = tf.tidy(() => tf.softmax(this.apply(x)));
      out.set((await p.data()) as Float32Array, s * this.classes);
      tf.dispose([x, p]);
    }
    return out;
  }

  dispose(): void {
    tf.dispose([this.embeddings, this.w, this.b, ...(this.w2 ? [this.w2] : []), ...(this.b2 ? [this.b2] : [])]);
  }
}
