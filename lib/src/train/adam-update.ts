/**
 * One Adam / AdamW step on typed arrays: the moments live in Float32Arrays, each parameter is read once
 * and written back with one upload. On tfjs-wasm this replaces ~12 tf kernels per variable (each a full
 * pass over the tensor plus dispatch) with one fused loop; the arithmetic is the tf version's, in float64.
 */
import * as tf from "@tensorflow/tfjs";
import type { AdamArena, AdamCoefficients } from "../backend/wasm-kernels/adam-module";
import { valuesNoCopy } from "../backend/wasm-kernels/heap";

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

/** The step's float64 coefficients (shared by the JS loop and the wasm module, so both compute the same). */
export function adamCoefficients(s: AdamStep): AdamCoefficients {
  return {
    scale: s.scale,
    l2: s.decoupled ? 0 : s.wd,
    b1: s.b1,
    a1: 1 - s.b1,
    b2: s.b2,
    a2: 1 - s.b2,
    ic1: 1 / s.c1,
    ic2: 1 / s.c2,
    eps: s.eps,
    lr: s.lr,
    dw: s.decoupled ? s.wd : 0,
  };
}

/** The update on typed arrays: m, v in place, the new parameters into `out`. */
export function adamStepJs(
  pv: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: Float32Array,
  c: AdamCoefficients,
): void {
  const { scale, l2, b1, a1, b2, a2, ic1, ic2, eps, lr, dw } = c;
  for (let k = 0; k < pv.length; k++) {
    const x = pv[k];
    const gk = g[k] * scale + l2 * x;
    const mk = b1 * m[k] + a1 * gk;
    const vk = b2 * v[k] + a2 * gk * gk;
    m[k] = mk;
    v[k] = vk;
    out[k] = x - lr * ((mk * ic1) / (Math.sqrt(vk * ic2) + eps) + dw * x);
  }
}

/**
 * Update `m`, `v` and assign the new value to `p`: with `arena` (moments of variable `index` kept
 * there) in wasm SIMD, else with the JS loop; the results are the same bit for bit.
 */
export function adamUpdate(
  p: tf.Variable,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: AdamStep,
  arena?: { arena: AdamArena; index: number },
): void {
  const pv = valuesNoCopy(p); // a view on wasm: read before the new tensor below is allocated
  const c = adamCoefficients(s);
  let out: Float32Array;
  if (arena) {
    const next = arena.arena.update(arena.index, pv, g, c);
    // wasm copies a tensor's values into its heap; other backends keep the array: give them their own
    out = tf.getBackend() === "wasm" ? next : next.slice();
  } else {
    out = new Float32Array(pv.length);
    adamStepJs(pv, g, m, v, out, c);
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
