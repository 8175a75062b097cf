/**
 * Causal multi-head self-attention, forward and backward, on embedlab's 5×8 GEMM (gemm-module.ts)
 * working in place on the wasm heap: per (batch row, head) every product reads its row operand where
 * it lies (Q, dY, P, dS rows inside the wide qkv / dy / score matrices, by row stride) and packs its
 * right operand in 8-wide panels (kernels.packB in wasm for K, V, Q, dY; attention-module.ts's SIMD
 * transposed pack for Kᵀ and Vᵀ); Pᵀ and dSᵀ are read by columns in place (gemmT); outputs land in
 * their place in y and dqkv. Rows go in groups of GROUP, each computing only the score columns (or
 * reducing only over the positions) its causal rows can see, so the masked half is mostly skipped.
 * The causal mask and the softmax gradient run in wasm too (attention-module.ts). No tensor is created
 * per product (the XNNPACK path creates three and an operator). Same sums in the same order as the
 * per-head XNNPACK products (causal-attention.ts), with exact zeros skipped. Needs T % 8 == 0 and
 * hd % 8 == 0.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { TensorInfo } from "@tensorflow/tfjs";
import { alloc, float64Arg, free, heapOffset, view } from "./heap";
import type { AttentionKernels } from "./attention-module";
import { originalKernel } from "./originals";
import { NR, type GemmKernels } from "./gemm-module";
import { gemmRows } from "./gemm";

import { gatherBlock } from "./attention-blocks";

/** Batch rows B of T tokens, H heads of hd channels. */
export interface AttentionDims {
  B: number;
  T: number;
  H: number;
  hd: number;
}

/** Rows per causal group (a multiple of MR and of NR). */
const GROUP = 40;

/** Whether the GEMM path takes these dims. */
export function attentionGemmApplies({ T, hd }: AttentionDims): boolean {
  return T % NR === 0 && hd % NR === 0;
}

/** Causal row groups [r0, r1) of T rows. */
function groups(T: number): Array<[number, number]> {
  const g: Array<[number, number]> = [];
  for (let r0 = 0; r0 < T; r0 += GROUP) g.push([r0, Math.min(T, r0 + GROUP)]);
  return g;
}

/**
 * Scores [T, T] at c (row stride T floats) = A[T, kc]·Bp for Bp packed over all T columns: each row
 * group computes only the panels its rows can see (columns < r1).
 */
function visiblePanels(
  k: GemmKernels,
  G: Array<[number, number]>,
  a: number,
  lda: number,
  pb: number,
  c: number,
  T: number,
  kc: number,
): void {
  for (const [r0, r1] of G)
    gemmRows(k, false, a + lda * r0, lda, pb, c + 4 * T * r0, 4 * T, r1 - r0, Math.ceil(r1 / NR), kc, 0);
}

/**
 * C[T, 8·panels] = op(A)·B[T, 8·panels] for a causal A [T, T] at a (row stride lda bytes, zero above the
 * diagonal), B's rows at b (stride ldb bytes), overwriting C. Each row group [r0, r1) packs and reduces
 * over only the positions its rows see: p < r1 for A; p ≥ r0 for transposed (Aᵀ, zero below the
 * diagonal, read by columns in place).
 */
function visibleReduce(
  k: GemmKernels,
  G: Array<[number, number]>,
  transposed: boolean,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  pb: number,
  c: number,
  ldc: number,
  panels: number,
  T: number,
): void {
  for (const [r0, r1] of G) {
    const p0 = transposed ? r0 : 0,
      p1 = transposed ? T : r1;
    k.packB(b + ldb * p0, ldb, p1 - p0, panels, pb);
    gemmRows(k, transposed, a + lda * r0 + 4 * p0, lda, pb, c + ldc * r0, ldc, r1 - r0, panels, p1 - p0, 0);
  }
}

/**
 * y [B·T, C] and the attention probabilities p [B, H, T, T] (zero above the diagonal), new heap
 * tensors, from qkv [B·T, 3C] on the heap (read in place).
 */
export function attentionForwardGemm(
  backend: BackendWasm,
  k: GemmKernels,
  ak: AttentionKernels,
  qkv: TensorInfo,
  dims: AttentionDims,
): { y: TensorInfo; p: TensorInfo } {
  const { B, T, H, hd } = dims;
  const C = H * hd,
    C3 = 3 * C;
  const scale = 1 / Math.sqrt(hd);
  const scores = alloc(backend, [B * H * T, T]);
  const y = alloc(backend, [B * T, C]);
  const qs = alloc(backend, [T, hd]);
  const pb = alloc(backend, [T * hd]);
  let probs: TensorInfo | undefined;
  try {
    const x0 = heapOffset(backend, qkv.dataId),
      s0 = heapOffset(backend, scores.dataId),
      y0 = heapOffset(backend, y.dataId),
      q0 = heapOffset(backend, qs.dataId),
      pb0 = heapOffset(backend, pb.dataId);
    // views after the last allocation (the Softmax below allocates: only offsets are used after it)
    const xv = view(backend, qkv),
      qv = view(backend, qs);
    const G = groups(T);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const row0 = b * T,
          sBase = (b * H + h) * T * T;
        // S = (scale·Q)·Kᵀ, only the panels each group's rows can see
        gatherBlock(xv, row0, C3, h * hd, T, hd, qv, scale);
        ak.packTransposed(x0 + 4 * (row0 * C3 + C + h * hd), 4 * C3, T, hd, pb0);
        visiblePanels(k, G, q0, 4 * hd, pb0, s0 + 4 * sBase, T, hd);
      }
    // −∞ above every head's diagonal, in one call
    ak.causalMask(s0, B * H, T);
    // one vectorised softmax (wasm's Softmax, XNNPACK) over every head's rows
    probs = originalKernel("Softmax")({
      inputs: { logits: scores },
      backend,
      attrs: { dim: 1 },
    } as never) as TensorInfo;
    const p0 = heapOffset(backend, probs.dataId);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const row0 = b * T,
          pBase = (b * H + h) * T * T;
        // Y = P·V, each group reducing over the positions it can see
        visibleReduce(
          k,
          G,
          false,
          p0 + 4 * pBase,
          4 * T,
          x0 + 4 * (row0 * C3 + 2 * C + h * hd),
          4 * C3,
          pb0,
          y0 + 4 * (row0 * C + h * hd),
          4 * C,
          hd / NR,
          T,
        );
      }
    const p = { ...probs, shape: [B, H, T, T] };
    probs = undefined;
    return { y, p };
  } catch (e) {
    free(backend, y);
    throw e;
  } finally {
    for (const t of [probs, pb, qs, scores]) if (t) free(backend, t);
  }
}

/**
 * d qkv [B·T, 3C] (a new heap tensor) from the forward's input qkv, its probabilities p [B, H, T, T]
 * and dy [B·T, C], all on the heap and read in place.
 */
export function attentionBackwardGemm(
  backend: BackendWasm,
  k: GemmKernels,
  ak: AttentionKernels,
  qkv: TensorInfo,
  p: TensorInfo,
  dy: TensorInfo,
  dims: AttentionDims,
): TensorInfo {
  const { B, T, H, hd } = dims;
  const C = H * hd,
    C3 = 3 * C;
  const scale = 1 / Math.sqrt(hd);
  const dx = alloc(backend, [B * T, C3]);
  const dP = alloc(backend, [T, T]);
  const dS = alloc(backend, [T, T]);
  const pb = alloc(backend, [T * hd]);
  const sc = float64Arg(backend, ak.memory, scale);
  try {
    const sc0 = heapOffset(backend, sc.dataId);
    const x0 = heapOffset(backend, qkv.dataId),
      dy0 = heapOffset(backend, dy.dataId),
      dx0 = heapOffset(backend, dx.dataId),
      dP0 = heapOffset(backend, dP.dataId),
      dS0 = heapOffset(backend, dS.dataId),
      p0 = heapOffset(backend, p.dataId),
      pb0 = heapOffset(backend, pb.dataId);
    const G = groups(T),
      panels = hd / NR;
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const row0 = b * T,
          pBase = (b * H + h) * T * T;
        const qo = h * hd,
          ko = C + h * hd,
          vo = 2 * C + h * hd;
        // dP = dY·Vᵀ (the visible panels), then dS = P ∘ (dP − rowsum(P ∘ dP))·scale, zero above the diagonal
        ak.packTransposed(x0 + 4 * (row0 * C3 + vo), 4 * C3, T, hd, pb0);
        visiblePanels(k, G, dy0 + 4 * (row0 * C + qo), 4 * C, pb0, dP0, T, hd);
        ak.softmaxGrad(p0 + 4 * pBase, dP0, dS0, T, sc0);
        // dV = Pᵀ·dY (P read by columns in place), each group reducing over the positions that see it
        visibleReduce(
          k,
          G,
          true,
          p0 + 4 * pBase,
          4 * T,
          dy0 + 4 * (row0 * C + qo),
          4 * C,
          pb0,
          dx0 + 4 * (row0 * C3 + vo),
          4 * C3,
          panels,
          T,
        );
        // dQ = dS·K (the scale is inside dS), each group reducing over the positions it can see
        visibleReduce(
          k,
          G,
          false,
          dS0,
          4 * T,
          x0 + 4 * (row0 * C3 + ko),
          4 * C3,
          pb0,
          dx0 + 4 * (row0 * C3 + qo),
          4 * C3,
          panels,
          T,
        );
        // dK = dSᵀ·Q (dS read by columns in place), the same way
        visibleReduce(
          k,
          G,
          true,
          dS0,
          4 * T,
          x0 + 4 * (row0 * C3 + qo),
          4 * C3,
          pb0,
          dx0 + 4 * (row0 * C3 + ko),
          4 * C3,
          panels,
          T,
        );
      }
    return dx;
  } catch (e) {
    free(backend, dx);
    throw e;
  } finally {
    for (const t of [sc, pb, dS, dP]) free(backend, t);
  }
}
