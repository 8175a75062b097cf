import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../core";

/** A learned linear map `x @ W (+ b)` (the `projection` method: model output → label-embedding space). */
export interface ProjectionHead {
  readonly inDim: number;
  readonly outDim: number;
  /** Apply to [B, inDim] → [B, outDim]. */
  apply(x: tf.Tensor2D): tf.Tensor2D;
  /** The trainable variables (W, and b when `bias`). */
  readonly trainableVariables: tf.Variable[];
  dispose(): void;
}

export interface ProjectionHeadOptions {
  /** Seed for the Glorot-uniform init of W (default 0). */
  seed?: number;
  /** Add a bias (default false). */
  bias?: boolean;
  /** Variable-name prefix (default "projection"). */
  name?: string;
}

/** A seeded Glorot-uniform linear layer held as tf.Variables (train it with train.fit or any optimizer). */
export function projectionHead(inDim: number, outDim: number, opts: ProjectionHeadOptions = {}): ProjectionHead {
  if (!(Number.isInteger(inDim) && inDim > 0 && Number.isInteger(outDim) && outDim > 0)) {
    throw new EmbedlabError(`projectionHead(${inDim}, ${outDim}): dimensions must be positive integers`);
  }
  const rng = new Rng(opts.seed ?? 0);
  const limit = Math.sqrt(6 / (inDim + outDim));
  const w0 = new Float32Array(inDim * outDim);
  for (let i = 0; i < w0.length; i++) w0[i] = (rng.next() * 2 - 1) * limit;
  const name = opts.name ?? "projection";
  // tf.variable keeps its initial tensor alive: build the variables inside tidy so those are released.
  const W = tf.tidy(() => tf.variable(tf.tensor2d(w0, [inDim, outDim]), true, `${name}/kernel_${uid()}`));
  const b = opts.bias ? tf.tidy(() => tf.variable(tf.zeros([outDim]), true, `${name}/bias_${uid()}`)) : undefined;
  return {
    inDim,
    outDim,
    apply(x: tf.Tensor2D): tf.Tensor2D {
      if (x.rank !== 2 || x.shape[1] !== inDim) {
        throw new EmbedlabError(`projectionHead expects [B, ${inDim}], got [${x.shape.join(", ")}]`);
      }
      return tf.tidy(() => {
        const y = tf.matMul(x, W);
        return (b ? tf.add(y, b) : y) as tf.Tensor2D;
      });
    },
    trainableVariables: b ? [W, b] : [W],
    dispose() {
      W.dispose();
      b?.dispose();
    },
  };
}

let counter = 0;
function uid(): number {
  return ++counter;
}
