import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";

export function assertRank(t: tf.Tensor, rank: number, what: string): void {
  if (t.rank !== rank) {
    throw new EmbedlabError(
      `${what} must be rank ${rank}, got shape [${t.shape.join(", ")}]`,
      `reshape ${what} to rank ${rank}`,
    );
  }
}

export function assertSameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new EmbedlabError(
      `${what}: shapes differ: [${a.shape.join(", ")}] vs [${b.shape.join(", ")}]`,
      "pass tensors of the same shape",
    );
  }
}

export function assertInt32(t: tf.Tensor, what: string): void {
  if (t.dtype !== "int32") {
    throw new EmbedlabError(
      `${what} must be int32, got ${t.dtype}`,
      `create it with tf.tensor1d(values, "int32") or tf.cast(x, "int32")`,
    );
  }
}
