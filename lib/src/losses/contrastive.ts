import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";
import { assertRank, assertSameShape } from "./check";
import { l2NormalizeRows, matMulABt } from "./matmul";
import { softmaxCrossEntropyRows } from "./softmax-ce";

/** Mean hinge max(0, margin − pos + neg) over paired scores `pos`, `neg` (same shape). */
export function marginRanking(pos: tf.Tensor, neg: tf.Tensor, margin: number): tf.Scalar {
  assertSameShape(pos, neg, "marginRanking");
  return tf.mean(tf.relu(tf.add(tf.sub(neg, pos), margin))) as tf.Scalar;
}

/**
 * Symmetric InfoNCE (the CLIP loss): rows of `a` [B, D] and `b` [B, D] are L2-normalised, logits are
 * cos(a_i, b_j) / temperature, the positive of row i is column i (in-batch negatives); the loss is the
 * mean of the a→b and b→a cross-entropies.
 */
export function infoNCE(a: tf.Tensor2D, b: tf.Tensor2D, temperature: number): tf.Scalar {
  assertRank(a, 2, "a");
  assertSameShape(a, b, "infoNCE");
  if (!(temperature > 0)) throw new EmbedlabError(`temperature must be > 0, got ${temperature}`, "CLIP starts at 0.07");
  const n = a.shape[0];
  const an = l2NormalizeRows(a);
  const bn = l2NormalizeRows(b);
  const logits = tf.div(matMulABt(an, bn), temperature) as tf.Tensor2D;
  const diag = tf.range(0, n, 1, "int32") as tf.Tensor1D;
  const ab = softmaxCrossEntropyRows(logits, diag);
  const ba = softmaxCrossEntropyRows(tf.transpose(logits) as tf.Tensor2D, diag);
  return tf.div(tf.add(ab, ba), 2) as tf.Scalar;
}
