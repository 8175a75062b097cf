import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";
import { assertRank } from "./check";
import { l2NormalizeRows, matMulABt } from "./matmul";
import { softmaxCrossEntropyRows } from "./softmax-ce";

/** Mean softmax cross-entropy of `logits` [B, C] against int32 class ids `labels` [B]. */
export function oneHotCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor2D): tf.Scalar {
  return softmaxCrossEntropyRows(logits, labels);
}

/**
 * The original experiment's `emb_ce`: softmax over cosine similarities between each prediction
 * [B, D] and every label embedding [C, D], divided by `temperature`, cross-entropy against int32
 * `labels` [B].
 */
export function embeddingCrossEntropy(
  pred: tf.Tensor2D,
  labels: tf.Tensor1D,
  labelEmbeddings: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  assertRank(pred, 2, "pred");
  assertRank(labelEmbeddings, 2, "labelEmbeddings");
  if (!(temperature > 0)) throw new EmbedlabError(`temperature must be > 0, got ${temperature}`, "use e.g. 0.05–0.1");
  if (pred.shape[1] !== labelEmbeddings.shape[1]) {
    throw new EmbedlabError(
      `pred has width ${pred.shape[1]} but labelEmbeddings has width ${labelEmbeddings.shape[1]}`,
      "project predictions to the label-embedding width (projectionHead)",
    );
  }
  const sims = matMulABt(l2NormalizeRows(pred), l2NormalizeRows(labelEmbeddings));
  return softmaxCrossEntropyRows(tf.div(sims, temperature) as tf.Tensor2D, labels);
}
