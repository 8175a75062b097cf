import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";
import { assertInt32, assertRank } from "./check";
import { softmaxCrossEntropyRows } from "./softmax-ce";

/**
 * Language-model cross-entropy (nats/token): `logits` [B, T, V], int32 `targets` [B, T], optional
 * `mask` [B, T] (1 = count this token, 0 = ignore). Mean over unmasked tokens.
 */
export function lmCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask?: tf.Tensor2D): tf.Scalar {
  assertRank(logits, 3, "logits");
  assertRank(targets, 2, "targets");
  assertInt32(targets, "targets");
  const [b, t, v] = logits.shape;
  if (targets.shape[0] !== b || targets.shape[1] !== t) {
    throw new EmbedlabError(
      `targets shape [${targets.shape.join(", ")}] does not match logits [${b}, ${t}, ·]`,
      "targets must be [batch, time]",
    );
  }
  if (mask && (mask.shape[0] !== b || mask.shape[1] !== t)) {
    throw new EmbedlabError(
      `mask shape [${mask.shape.join(", ")}] does not match targets [${b}, ${t}]`,
      "mask must be [batch, time]",
    );
  }
  return softmaxCrossEntropyRows(
    tf.reshape(logits, [b * t, v]) as tf.Tensor2D,
    tf.reshape(targets, [b * t]) as tf.Tensor1D,
    mask ? (tf.reshape(mask, [b * t]) as tf.Tensor1D) : undefined,
  );
}
