/**
 * float32 C = op(A)·op(B) on the wasm heap with embedlab's register-blocked SIMD micro-kernel
 * (gemm-module.ts): per block of KC reduction steps, B is packed into 8-column panels (transposeB
 * read directly while packing), and the module's loops run 5×8 tiles reading rows of A in place
 * (transposeA: the columns of the stored A, in place, or a transposed copy for long rows). C is accumulated in float32 across blocks, as
 * XNNPACK does.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, free, heapOffset, transpose2d, view, wasmMemory } from "./heap";
import { gemmKernels, MR, NR, type GemmKernels } from "./gemm-module";
import { simdKernels } from "./simd-module";

/** Reduction steps per packed block: a 6×KC tile of A (6 KiB) stays in L1 while B panels stream. */
const KC = 256;
/**
 * Largest m read transposed in place (gemmT, A stored [k, m]); beyond it A is transposed first. In
 * place measured faster up to m = 512 (512×1024·1024×128 2.8 vs 3.6 ms with a copy) and slower from
 * 1024 (1024×2048·2048×256 32.4 vs 24.8: each reduction step then jumps 4 KiB, a page).
 */
const GEMMT_MAX_ROWS = 512;

export type GemmShape = {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
};

/**
 * The module's kernels on `backend`'s heap; undefined when its Memory is not reachable, or when
 * EMBEDLAB_WASM_GEMM=0 (read per call: A/B measurements against XNNPACK in one process).
 */
export function backendGemm(backend: BackendWasm): GemmKernels | undefined {
  if (process.env.EMBEDLAB_WASM_GEMM === "0") return undefined;
  const memory = wasmMemory(backend);
  return memory ? gemmKernels(memory) : undefined;
}

/** Bp[j][p][q] = B(k0 + p, 8j + q) (columns past n are zero); B(p, q) read per transposeB. */
function packB(src: Float32Array, base: number, s: GemmShape, k0: number, kc: number, dst: Float32Array, d0: number) {
  const { n, k, transposeB } = s;
  const panels = Math.ceil(n / NR);
  if (!transposeB) {
    for (let p = 0; p < kc; p++) {
      const row = base + (k0 + p) * n;
      for (let j = 0; j < panels; j++) {
        const o = d0 + (j * kc + p) * NR,
          c0 = j * NR;
        if (c0 + NR <= n) {
          for (let q = 0; q < NR; q++) dst[o + q] = src[row + c0 + q];
        } else {
          for (let q = 0; q < NR; q++) dst[o + q] = c0 + q < n ? src[row + c0 + q] : 0;
        }
      }
    }
    return;
  }
  // B stored [n, k]: column q of B is row q of the stored matrix
  for (let j = 0; j < panels; j++) {
    const o = d0 + j * kc * NR;
    for (let q = 0; q < NR; q++) {
      const c = j * NR + q;
      if (c < n) {
        const row = base + c * k + k0;
        for (let p = 0; p < kc; p++) dst[o + p * NR + q] = src[row + p];
      } else {
        for (let p = 0; p < kc; p++) dst[o + p * NR + q] = 0;
      }
    }
  }
}

/**
 * C rows [0, rows) (+)= op(A)·Bp with the module's tile loops: whole MR-row tiles, then one tile of
 * the remaining rows. transposed: A stored [kc, rows] read by columns (gemmT: consecutive rows 4 bytes
 * apart), else rows lda bytes apart. Offsets in bytes; acc = 1 adds to C, 0 overwrites it.
 */
export function gemmRows(
  k: GemmKernels,
  transposed: boolean,
  a: number,
  lda: number,
  pb: number,
  c: number,
  ldc: number,
  rows: number,
  panels: number,
  kc: number,
  acc: number,
): void {
  const fns = transposed ? k.gemmT : k.gemm;
  const tiles = Math.floor(rows / MR),
    rem = rows % MR;
  if (tiles) fns[MR - 1](a, lda, pb, c, tiles, panels, kc, ldc, acc);
  if (rem)
    fns[rem - 1](a + (transposed ? 4 : lda) * tiles * MR, lda, pb, c + ldc * tiles * MR, 1, panels, kc, ldc, acc);
}

/**
 * out[b] = op(A[b])·op(B[b]) for `batch` entries (aStride / bStride: floats between entries, 0 to
 * broadcast one operand), out row-major [batch, m, n]. `out` must not overlap the inputs.
 */
export function gemmBatched(
  backend: BackendWasm,
  kernels: GemmKernels,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  out: tf.TensorInfo,
  s: GemmShape,
  batch: number,
  aStride: number,
  bStride: number,
): void {
  const { m, n, k } = s;
  if (s.transposeA && m > GEMMT_MAX_ROWS) {
    // a long stored row: gemmT would step a page or more per reduction step; transpose first
    const entries = aStride === 0 ? 1 : batch;
    const aT = alloc(backend, [entries, m, k]);
    try {
      const simd = m % 4 === 0 && k % 4 === 0 ? simdKernels(backend) : undefined;
      if (simd) simd.transpose4(heapOffset(backend, a.dataId), heapOffset(backend, aT.dataId), entries, k, m);
      else {
        const av = view(backend, a),
          tv = view(backend, aT);
        for (let e = 0; e < entries; e++)
          transpose2d(av.subarray(e * aStride, e * aStride + m * k), k, m, tv.subarray(e * m * k, (e + 1) * m * k));
      }
      gemmBatched(backend, kernels, aT, b, out, { ...s, transposeA: false }, batch, aStride === 0 ? 0 : m * k, bStride);
    } finally {
      free(backend, aT);
    }
    return;
  }
  const kcMax = Math.min(KC, k);
  const panels = Math.ceil(n / NR),
    np = panels * NR;
  const pb = alloc(backend, [np * kcMax]);
  // C rows must hold whole panels: a padded C when n is not a multiple of 8
  const padded = np !== n ? alloc(backend, [m, np]) : undefined;
  const pbOff = heapOffset(backend, pb.dataId);
  const outOff = heapOffset(backend, out.dataId),
    bOff = heapOffset(backend, b.dataId);
  const aOff = heapOffset(backend, a.dataId);
  const cOff = padded ? heapOffset(backend, padded.dataId) : outOff;
  const bv = view(backend, b),
    pbv = view(backend, pb);
  // transposeA: A stored [k, m], read by columns in place (gemmT)
  const ldc = 4 * np,
    lda = s.transposeA ? 4 * m : 4 * k,
    kStep = s.transposeA ? lda : 4;
  for (let e = 0; e < batch; e++) {
    const c0 = padded ? cOff : outOff + 4 * e * m * n;
    const a0 = aOff + 4 * e * aStride;
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      if (!s.transposeB && n % NR === 0) kernels.packB(bOff + 4 * (e * bStride + k0 * n), 4 * n, kc, panels, pbOff);
      else packB(bv, e * bStride, s, k0, kc, pbv, 0);
      const acc = k0 > 0 ? 1 : 0;
      gemmRows(kernels, s.transposeA, a0 + kStep * k0, lda, pbOff, c0, ldc, m, panels, kc, acc);
    }
    if (padded) {
      const pv = view(backend, padded),
        ov = view(backend, out);
      for (let i = 0; i < m; i++) ov.set(pv.subarray(i * np, i * np + n), (e * m + i) * n);
    }
  }
  for (const t of [padded, pb]) if (t) free(backend, t);
}
