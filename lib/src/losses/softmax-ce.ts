import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";
import { assertInt32, assertRank } from "./check";

/**
 * Weighted mean softmax cross-entropy over the rows of `logits` [N, C] with integer `labels` [N].
 * `weights` [N] (e.g. a 0/1 mask) default to 1; the mean is over the weight sum (0 if it is 0).
 * The gradient is the closed form (softmax − onehot)·w / Σw, which avoids a gather gradient
 * (UnsortedSegmentSum is missing on wasm) and the float32 oneHot bug (one-hot is built as int32).
 */
export function softmaxCrossEntropyRows(logits: tf.Tensor2D, labels: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  assertRank(logits, 2, "logits");
  assertRank(labels, 1, "labels");
  assertInt32(labels, "labels");
  const [n, c] = logits.shape;
  if (labels.shape[0] !== n) throw new EmbedlabError(`labels has ${labels.shape[0]} entries but logits has ${n} rows`, "pass one label per row");
  if (weights && weights.shape[0] !== n) throw new EmbedlabError(`weights has ${weights.shape[0]} entries but logits has ${n} rows`, "pass one weight per row");
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const z2 = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    // Built inside the forward pass and passed through save(): tensors captured by closure would be
    // disposed by tf.grad's forward tidy before the gradient runs.
    const oneHot = tf.cast(tf.oneHot(labels, c, 1, 0, "int32"), "float32");
    const w = weights ? tf.cast(weights, "float32") : tf.ones([n]);
    const wSum = tf.maximum(tf.sum(w), 1e-12);
    const lse = tf.logSumExp(z2, -1); // [N]
    const picked = tf.sum(tf.mul(z2, oneHot), -1); // [N]
    const value = tf.div(tf.sum(tf.mul(tf.sub(lse, picked), w)), wSum) as tf.Scalar;
    save([z2, lse, oneHot, w, wSum]);
    return {
      value,
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        const [sz, slse, sOneHot, sw, sSum] = saved;
        const p = tf.exp(tf.sub(sz, tf.reshape(slse, [n, 1])));
        const scale = tf.reshape(tf.div(tf.mul(sw, dy), sSum), [n, 1]);
        return [tf.mul(tf.sub(p, sOneHot), scale)];
      },
    };
  });
  return f(logits) as tf.Scalar;
}
