/** Per-head block helpers shared by the two causal-attention paths (causal-attention.ts, causal-attention-gemm.ts). */

export /** dst[t·hd + d] = src[(row0 + t)·stride + col + d]·s: one head's [T, hd] block out of a wide row-major matrix. */
function gatherBlock(
  src: Float32Array,
  row0: number,
  stride: number,
  col: number,
  T: number,
  hd: number,
  dst: Float32Array,
  s = 1,
): void {
  for (let t = 0; t < T; t++) {
    const o = (row0 + t) * stride + col;
    const w = t * hd;
    for (let d = 0; d < hd; d++) dst[w + d] = src[o + d] * s;
  }
}

/**
 * dS = P ∘ (dP − rowsum(P ∘ dP))·scale for one head's causal [T, T] block: p read from p[pBase …],
 * dp and ds [T, T] row-major; ds is zero above the diagonal.
 */
export function causalSoftmaxGrad(
  p: Float32Array,
  pBase: number,
  dp: Float32Array,
  ds: Float32Array,
  T: number,
  scale: number,
): void {
  for (let i = 0; i < T; i++) {
    const r = i * T;
    const pr = pBase + r;
    let dot = 0;
    for (let j = 0; j <= i; j++) dot += p[pr + j] * dp[r + j];
    for (let j = 0; j <= i; j++) ds[r + j] = p[pr + j] * (dp[r + j] - dot) * scale;
    for (let j = i + 1; j < T; j++) ds[r + j] = 0;
  }
}
