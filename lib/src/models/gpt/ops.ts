/**
 * The few tensor ops the GPT needs, with gradients that are fast on tfjs-wasm:
 * matMul gradients transpose the small operand explicitly and pass aᵀ·dy as a transpose flag (the
 * wasm GEMM reads aᵀ in place; for shapes it does not take, embedlab's BatchMatMul kernel transposes
 * first, as wasm's own kernel is 10–30x slower with flags), the embedding
 * gradient is a scatter-add over typed arrays (no UnsortedSegmentSum needed), and cross-entropy is
 * losses' closed-form softmax CE (int32 one-hot: float32 oneHot is broken on wasm).
 */
import * as tf from "@tensorflow/tfjs";
import { softmaxCrossEntropyRows } from "../../losses/softmax-ce";
import { layerNormFused, layerNormTf } from "./layer-norm";

function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** `a @ b` for rank-2 (or same-batch rank-3/4) operands; gradient without transpose flags. */
/** tf.customGrad with plainly typed arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function custom<T extends tf.Tensor>(
  f: (...args: any[]) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
) {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<T>>[0]);
}

export const mm = custom((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor3D, swapLast(sb) as tf.Tensor3D),
      // aᵀ·dy with the flag: the wasm GEMM reads aᵀ in place (aᵀ is the large operand here)
      tf.matMul(sa as tf.Tensor3D, dy as tf.Tensor3D, true, false),
    ],
  };
}) as <T extends tf.Tensor>(a: T, b: T) => T;

/** `x [N, K] @ w [K, M] + b [M]` with the fast gradient. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const y = mm(x, w);
  return b ? tf.add(y, b) : y;
}

/**
 * Rows of `table [V, C]` at `ids [N]` (int32). The gradient w.r.t. the table is a scatter-add (on wasm
 * its UnsortedSegmentSum kernel on the heap, elsewhere on typed arrays); no gradient flows to `ids`.
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const f = custom((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ids]);
    return {
      value: tf.gather(t, ids) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => {
        const [v, c] = table.shape;
        // wasm: embedlab's UnsortedSegmentSum kernel, the same scatter-add on the heap in place
        if (tf.getBackend() === "wasm" && tf.getKernel("UnsortedSegmentSum", "wasm"))
          return tf.unsortedSegmentSum(dy, savedIds as tf.Tensor1D, v);
        const g = new Float32Array(v * c);
        const d = dy.dataSync() as Float32Array;
        const idx = savedIds.dataSync() as Int32Array;
        for (let i = 0; i < idx.length; i++) {
          const o = idx[i] * c;
          const s = i * c;
          for (let j = 0; j < c; j++) g[o + j] += d[s + j];
        }
        return tf.tensor2d(g, [v, c]);
      },
    };
  });
  return f(table) as tf.Tensor2D;
}

/** GELU: exact-ish tanh form (GPT-2) or the cheap x·sigmoid(1.702x). */
export function gelu(x: tf.Tensor, kind: "tanh" | "sigmoid"): tf.Tensor {
  if (kind === "sigmoid") return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
  // 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))) = x · sigmoid(2√(2/π)(x + 0.044715 x³))
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), 2 * Math.sqrt(2 / Math.PI));
  return tf.mul(x, tf.sigmoid(inner));
}

/** LayerNorm over the last axis: fused typed-array loops on wasm and cpu, tf ops on other backends. */
export function layerNorm(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps = 1e-5): tf.Tensor {
  const onCpuMemory = tf.getBackend() === "wasm" || tf.getBackend() === "cpu";
  return onCpuMemory && x.dtype === "float32" ? layerNormFused(x, g, b, eps) : layerNormTf(x, g, b, eps);
}

/**
 * `h [N, C] @ wteᵀ` (tied output head). Gradients: dh = dy·wte (wte as it is, no transpose) and
 * dwte = (hᵀ·dy)ᵀ: transposing the small operands is cheaper than transposing dy (and hᵀ as a copy:
 * the GEMM reading hᵀ in place by columns measured slower on this 128×1024·1024×4096 product).
 */
export const tiedHead = custom((h: tf.Tensor, wte: tf.Tensor, save: tf.GradSaveFunc) => {
  save([h, wte]);
  return {
    value: tf.matMul(h as tf.Tensor2D, tf.transpose(wte) as tf.Tensor2D) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [sh, sw]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, sw as tf.Tensor2D),
      tf.transpose(tf.matMul(tf.transpose(sh) as tf.Tensor2D, dy as tf.Tensor2D)),
    ],
  };
}) as (h: tf.Tensor2D, wte: tf.Tensor2D) => tf.Tensor2D;

/**
 * Weighted mean cross-entropy of `logits [N, V]` against int32 `labels [N]`; `weights [N]` (0/1 mask)
 * default to 1. Returns Σ wᵢ·CEᵢ / max(Σ w, 1e-12) with the closed-form gradient. The one
 * implementation is `losses.softmaxCrossEntropyRows`; labels of another dtype are cast to int32 here.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  if (labels.dtype === "int32") return softmaxCrossEntropyRows(logits, labels, weights);
  return tf.tidy(() => softmaxCrossEntropyRows(logits, tf.cast(labels, "int32") as tf.Tensor1D, weights));
}
