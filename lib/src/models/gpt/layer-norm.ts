/**
 * LayerNorm over the last axis as one fused op on typed arrays, forward and backward. With tf ops a
 * LayerNorm is ~9 kernels forward and ~20 in its gradient, each a full pass plus a dispatch; on
 * tfjs-wasm the fused loops are several times faster on the GPT's [B·T, C] activations. Row
 * statistics in float64. The loops live in backend/wasm-kernels/layer-norm.ts: on wasm they run as
 * its kernels on heap tensors in place; on cpu on copies here. `layerNormTf` is the same maths with
 * tf ops (the reference, and the path on backends whose data lives off the CPU).
 */
import * as tf from "@tensorflow/tfjs";
import { LAYER_NORM, LAYER_NORM_GRAD, layerNormRows, layerNormRowsGrad } from "../../backend/wasm-kernels/layer-norm";

/** LayerNorm with tf ops. */
export function layerNormTf(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps = 1e-5): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(xc, xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), g), b);
}

/** LayerNorm through the backend's kernels (wasm): x, y, xhat, rstd and the gradients stay heap tensors. */
function viaKernels(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor {
  const f = tf.customGrad(((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, xhat, rstd] = tf.engine().runKernel(LAYER_NORM, { x: xi, g: gi, b: bi }, { eps }) as tf.Tensor[];
    save([xhat, rstd, gi]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [sx, sr, sg]: tf.Tensor[]) =>
        tf.engine().runKernel(LAYER_NORM_GRAD, { dy, xhat: sx, rstd: sr, g: sg }) as tf.Tensor[],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, g, b);
}

/** LayerNorm over the last axis of x (any rank) with gain g and bias b [C], fused. */
export function layerNormFused(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps = 1e-5): tf.Tensor {
  if (tf.getKernel(LAYER_NORM, tf.getBackend())) return viaKernels(x, g, b, eps);
  const shape = x.shape;
  const C = shape[shape.length - 1];
  let saved: { xhat: Float32Array; rstd: Float32Array; g: Float32Array } | null = null;
  const f = tf.customGrad(((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const gs = gi.dataSync() as Float32Array;
    const xs = xi.dataSync() as Float32Array;
    const y = new Float32Array(xs.length),
      xhat = new Float32Array(xs.length),
      rstd = new Float32Array(C === 0 ? 0 : xs.length / C);
    layerNormRows(xs, gs, bi.dataSync() as Float32Array, C, eps, y, xhat, rstd);
    saved = { xhat, rstd, g: gs };
    return {
      value: tf.tensor(y, shape, "float32"),
      gradFunc: (dy: tf.Tensor) => {
        if (!saved) throw new Error("layerNorm gradient called twice");
        const dx = new Float32Array(saved.xhat.length),
          dg = new Float64Array(C),
          db = new Float64Array(C);
        layerNormRowsGrad(dy.dataSync() as Float32Array, saved.xhat, saved.rstd, saved.g, C, dx, dg, db);
        saved = null;
        return [
          tf.tensor(dx, shape, "float32"),
          tf.tensor1d(Float32Array.from(dg)),
          tf.tensor1d(Float32Array.from(db)),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, g, b);
}
