/**
 * A BERT-family text classifier: tokenizer + encoder + classification head on the pooled [CLS] vector,
 * with `predictProba(texts)` in batches (the interface notebook 02's students share).
 */
import * as tf from "@tensorflow/tfjs";
import type { BertTokenizer } from "./load";
import { BertClassifier, type BertEncoder } from "./model";

export class BertTextClassifier {
  readonly model: BertClassifier;

  constructor(
    encoder: BertEncoder,
    readonly tokenizer: BertTokenizer,
    readonly classes = 2,
    seed = 0,
  ) {
    this.model = new BertClassifier(encoder, classes, seed);
  }

  /** int32 ids and mask tensors [B, T] for `texts` (padded to the longest). */
  inputs(texts: readonly string[]): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
    const b = this.tokenizer.batch(texts);
    return { ids: tf.tensor2d(b.ids, [b.B, b.T], "int32"), mask: tf.tensor2d(b.mask, [b.B, b.T], "int32") };
  }

  /** Row-major class probabilities [texts.length, classes]; texts are sorted by length into batches (less padding). */
  async predictProba(texts: readonly string[], batchSize = 64): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.classes);
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const { ids, mask } = this.inputs(idx.map((i) => texts[i]));
      const p = tf.tidy(() => tf.softmax(this.model.logits(ids, { mask })));
      const data = (await p.data()) as Float32Array;
      tf.dispose([ids, mask, p]);
      idx.forEach((i, r) => out.set(data.subarray(r * this.classes, (r + 1) * this.classes), i * this.classes));
    }
    return out;
  }

  /** Every weight is fine-tuned: nothing is frozen. */
  paramCount(): { trainable: number; frozen: number; total: number } {
    const n = this.model.numParams;
    return { trainable: n, frozen: 0, total: n };
  }

  dispose(): void {
    this.model.dispose();
  }
}
