import * as tf from "@tensorflow/tfjs";
import { assertRank, assertSameShape } from "./check";

/** Mean over rows of 1 − cos(pred_i, target_i); `pred`, `target` are [B, D]. */
export function cosineRegression(pred: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  assertRank(pred, 2, "pred");
  assertSameShape(pred, target, "cosineRegression");
  const dot = tf.sum(tf.mul(pred, target), -1);
  const norms = tf.sqrt(
    tf.mul(tf.add(tf.sum(tf.square(pred), -1), 1e-12), tf.add(tf.sum(tf.square(target), -1), 1e-12)),
  );
  return tf.sub(1, tf.mean(tf.div(dot, norms))) as tf.Scalar;
}

/** Mean squared error over all elements. */
export function mseRegression(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  assertSameShape(pred, target, "mseRegression");
  return tf.mean(tf.square(tf.sub(pred, target))) as tf.Scalar;
}
