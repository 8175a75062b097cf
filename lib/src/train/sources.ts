import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../core";
import { ImageArray, ImageTensorOptions, toTensorImages } from "./images";

/** Where fit gets batches from: `size` examples, and a builder for the batch at given indices. */
export interface BatchSource {
  readonly size: number;
  /** Build the batch for `indices`; `rng` is seeded per epoch (use it for augmentation). fit disposes x and y. */
  batch(indices: readonly number[], rng: Rng): { x: tf.Tensor; y: tf.Tensor };
}

/** Batches gathered from in-memory tensors (first axis = examples). */
export function tensorSource(x: tf.Tensor, y: tf.Tensor): BatchSource {
  if (x.shape[0] !== y.shape[0])
    throw new EmbedlabError(`x has ${x.shape[0]} examples but y has ${y.shape[0]}`, "pass one target per example");
  return {
    size: x.shape[0],
    batch(indices) {
      return tf.tidy(() => {
        const idx = tf.tensor1d(indices as number[], "int32");
        return { x: tf.gather(x, idx), y: tf.gather(y, idx) };
      });
    },
  };
}

/**
 * Batches of images (uint8/float NHWC typed array) normalised and, when `augment` is set, randomly
 * cropped and flipped with the epoch's rng; `y` is an int32 tensor of `labels`.
 */
export function imageSource(
  images: ImageArray,
  labels: ArrayLike<number>,
  opts: Omit<ImageTensorOptions, "rng"> = {},
): BatchSource {
  if (labels.length !== images.shape[0])
    throw new EmbedlabError(`${images.shape[0]} images but ${labels.length} labels`, "pass one label per image");
  return {
    size: images.shape[0],
    batch(indices, rng) {
      const x = toTensorImages(images, indices, { ...opts, rng });
      const y = tf.tensor1d(
        indices.map((i) => labels[i]),
        "int32",
      );
      return { x, y };
    },
  };
}
