/**
 * Causal multi-head self-attention, forward and backward, for tfjs-wasm: per (batch row, head) the
 * products run as plain 2-D matmuls on the backend's fast kernel (XNNPACK, no transpose flags), the
 * causal softmax and the layout changes (strided head columns, transposes) in JS on typed arrays.
 * About 10–15 GFLOP/s on the tiny GPT's 128×32 heads vs ~2–3 for scalar JS loops; the masked half of
 * each score block is computed and discarded (cheaper than more, smaller calls).
 * Layout as GPT-2: `qkv [B·T, 3C]` (q | k | v, heads contiguous inside each), `y [B·T, C]`.
 * The fallback of the attention kernels (causal-attention-kernel.ts) where the GEMM path does not apply.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { TensorInfo } from "@tensorflow/tfjs";
import { alloc, free, matMul2d, view } from "./heap";
import { originalKernel } from "./originals";
import { transposeBlocked8 } from "./transpose-last-two";
import { causalSoftmaxGrad, gatherBlock } from "./attention-blocks";
import type { AttentionDims } from "./causal-attention-gemm";

/** `consume(a @ b)` for a [m, k] and b [k, n], both written by `fill`, on heap tensors freed afterwards. */
function product(
  backend: BackendWasm,
  m: number,
  k: number,
  n: number,
  fillA: (dst: Float32Array) => void,
  fillB: (dst: Float32Array) => void,
  consume: (out: Float32Array) => void,
): void {
  // fresh tensors per call: wasm caches XNNPACK's packed right operand by tensor id
  const a = alloc(backend, [m, k]);
  const b = alloc(backend, [k, n]);
  fillA(view(backend, a));
  fillB(view(backend, b));
  const o = matMul2d(backend, a, b);
  try {
    consume(view(backend, o));
  } finally {
    free(backend, o);
    free(backend, b);
    free(backend, a);
  }
}

/** dst[d·T + t] = src[(row0 + t)·stride + col + d]: the block transposed to [hd, T]. */
function gatherBlockT(
  src: Float32Array,
  row0: number,
  stride: number,
  col: number,
  T: number,
  hd: number,
  dst: Float32Array,
): void {
  for (let t = 0; t < T; t++) {
    const o = (row0 + t) * stride + col;
    for (let d = 0; d < hd; d++) dst[d * T + t] = src[o + d];
  }
}

/** dst[(row0 + t)·stride + col + d] = src[t·hd + d]. */
function scatterBlock(
  src: Float32Array,
  row0: number,
  stride: number,
  col: number,
  T: number,
  hd: number,
  dst: Float32Array,
): void {
  for (let t = 0; t < T; t++) {
    const o = (row0 + t) * stride + col;
    for (let d = 0; d < hd; d++) dst[o + d] = src[t * hd + d];
  }
}

/** dst = srcᵀ for a square [T, T] block at src[base] (8×8 blocks: T is often a power of two). */
function transposeSquare(src: Float32Array, base: number, T: number, dst: Float32Array): void {
  transposeBlocked8(src.subarray(base, base + T * T), 1, T, T, dst);
}

/** y [B·T, C] and the attention probabilities p [B, H, T, T] (zero above the diagonal). */
export function causalAttentionForward(
  backend: BackendWasm,
  qkv: Float32Array,
  dims: AttentionDims,
): { y: Float32Array; p: Float32Array } {
  const { B, T, H, hd } = dims;
  const C = H * hd;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hd);
  const y = new Float32Array(B * T * C);
  // all heads' masked scores in one heap tensor, so one vectorised softmax (wasm's Softmax, XNNPACK) does every row
  const scores = alloc(backend, [B * H * T, T]);
  let p: Float32Array;
  try {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const sBase = (b * H + h) * T * T;
        product(
          backend,
          T,
          hd,
          T,
          (q) => gatherBlock(qkv, b * T, C3, h * hd, T, hd, q, scale),
          (kt) => gatherBlockT(qkv, b * T, C3, C + h * hd, T, hd, kt),
          (s) => {
            const all = view(backend, scores);
            for (let i = 0; i < T; i++) {
              const r = i * T;
              for (let j = 0; j <= i; j++) all[sBase + r + j] = s[r + j];
              for (let j = i + 1; j < T; j++) all[sBase + r + j] = -Infinity;
            }
          },
        );
      }
    }
    const probs = originalKernel("Softmax")({
      inputs: { logits: scores },
      backend,
      attrs: { dim: 1 },
    } as never) as TensorInfo;
    p = view(backend, probs).slice();
    free(backend, probs);
  } finally {
    free(backend, scores);
  }
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const pBase = (b * H + h) * T * T;
      product(
        backend,
        T,
        T,
        hd,
        (pa) => pa.set(p.subarray(pBase, pBase + T * T)),
        (v) => gatherBlock(qkv, b * T, C3, 2 * C + h * hd, T, hd, v),
        (yb) => scatterBlock(yb, b * T, C, h * hd, T, hd, y),
      );
    }
  }
  return { y, p };
}

/** d qkv [B·T, 3C] from the forward's input, its probabilities and dy [B·T, C]. */
export function causalAttentionBackward(
  backend: BackendWasm,
  qkv: Float32Array,
  p: Float32Array,
  dy: Float32Array,
  dims: AttentionDims,
): Float32Array {
  const { B, T, H, hd } = dims;
  const C = H * hd;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hd);
  const dqkv = new Float32Array(B * T * C3);
  const ds = new Float32Array(T * T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const row0 = b * T;
      const pBase = (b * H + h) * T * T;
      const qo = h * hd,
        ko = C + h * hd,
        vo = 2 * C + h * hd;
      // dP = dY Vᵀ, then dS = P ∘ (dP − rowsum(P ∘ dP)) · scale (zero above the diagonal)
      product(
        backend,
        T,
        hd,
        T,
        (g) => gatherBlock(dy, row0, C, qo, T, hd, g),
        (vt) => gatherBlockT(qkv, row0, C3, vo, T, hd, vt),
        (dp) => causalSoftmaxGrad(p, pBase, dp, ds, T, scale),
      );
      // dV = Pᵀ dY
      product(
        backend,
        T,
        T,
        hd,
        (pt) => transposeSquare(p, pBase, T, pt),
        (g) => gatherBlock(dy, row0, C, qo, T, hd, g),
        (dv) => scatterBlock(dv, row0, C3, vo, T, hd, dqkv),
      );
      // dQ = dS K (the scale is inside dS)
      product(
        backend,
        T,
        T,
        hd,
        (a) => a.set(ds),
        (k) => gatherBlock(qkv, row0, C3, ko, T, hd, k),
        (dq) => scatterBlock(dq, row0, C3, qo, T, hd, dqkv),
      );
      // dK = dSᵀ Q
      product(
        backend,
        T,
        T,
        hd,
        (a) => transposeSquare(ds, 0, T, a),
        (q) => gatherBlock(qkv, row0, C3, qo, T, hd, q),
        (dk) => scatterBlock(dk, row0, C3, ko, T, hd, dqkv),
      );
    }
  }
  return dqkv;
}
