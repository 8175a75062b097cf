import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../core";

/** A batch of images as one typed array in NHWC order (uint8 0–255 or float). */
export interface ImageArray {
  data: Uint8Array | Float32Array;
  shape: [number, number, number, number];
}

export interface AugmentOptions {
  /** Random-crop padding in pixels (zero padding, as torchvision RandomCrop(padding)); 0 = no crop (default 4). */
  pad?: number;
  /** Random horizontal flip with probability 0.5 (default true). */
  flip?: boolean;
}

export interface ImageTensorOptions {
  /** Per-channel mean, on the 0–1 scale for uint8 input (uint8 is divided by 255 first). Default 0. */
  mean?: readonly number[];
  /** Per-channel std (same scale). Default 1. */
  std?: readonly number[];
  /** Apply random crop + flip (needs `rng`). */
  augment?: AugmentOptions | false;
  rng?: Rng;
}

function checkImages(images: ImageArray): void {
  const [n, h, w, c] = images.shape;
  if (images.shape.length !== 4 || n * h * w * c !== images.data.length) {
    throw new EmbedlabError(
      `image array shape [${images.shape.join(", ")}] does not match its ${images.data.length} values`,
      "pass {data, shape: [N, H, W, C]} in NHWC order",
    );
  }
}

/**
 * Gather `indices` from `images` into a float32 NHWC array, optionally randomly cropped (zero padding
 * `pad`) and flipped, and normalised `(v/255 − mean)/std` per channel — one pass over typed arrays.
 */
export function imageBatchArray(
  images: ImageArray,
  indices: readonly number[],
  opts: ImageTensorOptions = {},
): Float32Array {
  checkImages(images);
  const [n, h, w, c] = images.shape;
  const scale0 = images.data instanceof Uint8Array ? 1 / 255 : 1;
  const a = new Float64Array(c),
    b = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const m = opts.mean ? opts.mean[ch % opts.mean.length] : 0;
    const s = opts.std ? opts.std[ch % opts.std.length] : 1;
    if (!(s > 0)) throw new EmbedlabError(`std[${ch}] must be > 0, got ${s}`);
    a[ch] = scale0 / s;
    b[ch] = -m / s;
  }
  const aug = opts.augment ? opts.augment : undefined;
  if (aug && !opts.rng) throw new EmbedlabError("image augmentation needs a seeded rng", "pass { rng: new Rng(seed) }");
  const pad = aug ? (aug.pad ?? 4) : 0;
  const flipOn = aug ? (aug.flip ?? true) : false;
  const src = images.data;
  const out = new Float32Array(indices.length * h * w * c);
  const img = h * w * c;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < n)) throw new EmbedlabError(`image index ${i} out of range 0..${n - 1}`);
    let dy = 0,
      dx = 0,
      flip = false;
    if (aug) {
      const rng = opts.rng as Rng;
      if (pad > 0) {
        dy = rng.int(2 * pad + 1) - pad;
        dx = rng.int(2 * pad + 1) - pad;
      }
      if (flipOn) flip = rng.next() < 0.5;
    }
    const sBase = i * img;
    const oBase = k * img;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      const rowOut = oBase + y * w * c;
      if (sy < 0 || sy >= h) {
        for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[rowOut + x * c + ch] = b[ch];
        continue;
      }
      const rowIn = sBase + sy * w * c;
      for (let x = 0; x < w; x++) {
        const sx = (flip ? w - 1 - x : x) + dx;
        const o = rowOut + x * c;
        if (sx < 0 || sx >= w) {
          for (let ch = 0; ch < c; ch++) out[o + ch] = b[ch];
        } else {
          const s = rowIn + sx * c;
          for (let ch = 0; ch < c; ch++) out[o + ch] = src[s + ch] * a[ch] + b[ch];
        }
      }
    }
  }
  return out;
}

/** `imageBatchArray` as a [B, H, W, C] float32 tensor. */
export function toTensorImages(
  images: ImageArray,
  indices: readonly number[],
  opts: ImageTensorOptions = {},
): tf.Tensor4D {
  const [, h, w, c] = images.shape;
  return tf.tensor4d(imageBatchArray(images, indices, opts), [indices.length, h, w, c]);
}
