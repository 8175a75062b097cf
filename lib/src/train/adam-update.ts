/**
 * One Adam / AdamW step on typed arrays: the moments live in Float32Arrays, each parameter is read once
 * and written back with one upload. On tfjs-wasm this replaces ~12 tf kernels per variable (each a full
 * pass over the tensor plus dispatch) with one fused loop; the arithmetic is the tf version's, in float64.
 */
import * as tf from "@tensorflow/tfjs";

export interface AdamStep {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  /** Bias corrections 1 − β1ᵗ and 1 − β2ᵗ. */
  c1: number;
  c2: number;
  /** Weight decay for this variable (0: none). */
  wd: number;
  /** AdamW's decoupled decay (p −= lr·wd·p) instead of L2 added to the gradient. */
  decoupled: boolean;
  /** Factor applied to the gradient first (global-norm clipping). */
  scale: number;
}

/** Update `m`, `v` in place and assign the new value to `p`. */
export function adamUpdate(p: tf.Variable, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamStep): void {
  const pv = p.dataSync() as Float32Array;
  const out = new Float32Array(pv.length);
  const { lr, b1, b2, eps, c1, c2, scale } = s;
  const l2 = s.decoupled ? 0 : s.wd;
  const dw = s.decoupled ? s.wd : 0;
  const a1 = 1 - b1,
    a2 = 1 - b2,
    ic1 = 1 / c1,
    ic2 = 1 / c2;
  for (let k = 0; k < pv.length; k++) {
    const x = pv[k];
    const gk = g[k] * scale + l2 * x;
    const mk = b1 * m[k] + a1 * gk;
    const vk = b2 * v[k] + a2 * gk * gk;
    m[k] = mk;
    v[k] = vk;
    out[k] = x - lr * ((mk * ic1) / (Math.sqrt(vk * ic2) + eps) + dw * x);
  }
  const t = tf.tensor(out, p.shape, "float32");
  p.assign(t);
  t.dispose();
}

/** √(Σ g²) over all arrays, in float64. */
export function globalNormOf(gs: Float32Array[]): number {
  let s = 0;
  for (const g of gs) for (let k = 0; k < g.length; k++) s += g[k] * g[k];
  return Math.sqrt(s);
}
