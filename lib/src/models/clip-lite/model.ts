import * as tf from "@tensorflow/tfjs";
import { CorruptDataError, EmbedlabError, readJsonFile, writeJsonAtomic } from "../../core";

/** The learned parts of the contrastive model: two linear heads and the feature means they centre with. */
export interface ClipLiteWeights {
  imageDim: number;
  textDim: number;
  dim: number;
  temperature: number;
  imageMean: number[];
  textMean: number[];
  /** Row-major [imageDim, dim]. */
  imageW: number[];
  /** Row-major [textDim, dim]. */
  textW: number[];
}

function project(
  rows: readonly Float32Array[],
  mean: Float32Array,
  w: tf.Tensor2D,
  inDim: number,
  what: string,
): Float32Array[] {
  if (rows.length === 0) return [];
  const flat = new Float32Array(rows.length * inDim);
  rows.forEach((r, i) => {
    if (r.length !== inDim)
      throw new EmbedlabError(
        `ClipLite.${what}: expected ${inDim}-d features, got ${r.length}-d`,
        "use the same frozen encoder the model was trained on",
      );
    for (let k = 0; k < inDim; k++) flat[i * inDim + k] = r[k] - mean[k];
  });
  const out = tf.tidy(() => {
    const y = tf.matMul(tf.tensor2d(flat, [rows.length, inDim]), w);
    return tf.div(y, tf.sqrt(tf.add(tf.sum(tf.square(y), -1, true), 1e-12)));
  });
  const data = out.dataSync() as Float32Array;
  out.dispose();
  const d = w.shape[1];
  return rows.map((_, i) => data.slice(i * d, (i + 1) * d));
}

/**
 * A CLIP-style dual encoder on top of frozen features: image features and text features are centred,
 * projected by one linear head each into a shared `dim`-d space and L2-normalised; similarity is the cosine.
 */
export class ClipLite {
  private readonly imageW: tf.Tensor2D;
  private readonly textW: tf.Tensor2D;
  private readonly imageMean: Float32Array;
  private readonly textMean: Float32Array;

  constructor(readonly weights: ClipLiteWeights) {
    const { imageDim, textDim, dim } = weights;
    if (
      weights.imageW.length !== imageDim * dim ||
      weights.textW.length !== textDim * dim ||
      weights.imageMean.length !== imageDim ||
      weights.textMean.length !== textDim
    ) {
      throw new EmbedlabError("ClipLite: weight sizes do not match imageDim/textDim/dim");
    }
    this.imageW = tf.tensor2d(weights.imageW, [imageDim, dim]);
    this.textW = tf.tensor2d(weights.textW, [textDim, dim]);
    this.imageMean = Float32Array.from(weights.imageMean);
    this.textMean = Float32Array.from(weights.textMean);
  }

  get dim(): number {
    return this.weights.dim;
  }

  /** Frozen image features → unit vectors in the shared space. */
  embedImageFeatures(features: readonly Float32Array[]): Float32Array[] {
    return project(features, this.imageMean, this.imageW, this.weights.imageDim, "embedImageFeatures");
  }

  /** Frozen text features → unit vectors in the shared space. */
  embedTextFeatures(features: readonly Float32Array[]): Float32Array[] {
    return project(features, this.textMean, this.textW, this.weights.textDim, "embedTextFeatures");
  }

  /** Write the weights as JSON (atomic). */
  save(file: string): void {
    writeJsonAtomic(file, this.weights);
  }

  /** Read weights written by `save`. */
  static load(file: string): ClipLite {
    const w = readJsonFile(file, "clip-lite weights") as ClipLiteWeights;
    try {
      return new ClipLite(w);
    } catch (err) {
      throw new CorruptDataError(file, (err as Error).message);
    }
  }

  dispose(): void {
    this.imageW.dispose();
    this.textW.dispose();
  }
}
