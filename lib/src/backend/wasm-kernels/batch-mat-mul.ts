/**
 * BatchMatMul on wasm. float32 products large enough to pay for packing run embedlab's
 * register-blocked SIMD GEMM (gemm.ts: transposes and batch entries handled while packing; ~1.4×
 * XNNPACK's speed on 1024²; EMBEDLAB_WASM_GEMM=0 turns it off). The rest go to wasm's fast path (XNNPACK, used only for plain 2-D products):
 * - transpose flags become an explicit transpose first (wasm is 10–30× slower with them, and
 *   tfjs's own matMul/dense gradients use them);
 * - batched products (rank ≥ 3, batch > 1) run as one 2-D product per batch entry on copies
 *   (wasm otherwise uses a naive loop, ~1.2 GFLOP/s). Plain 2-D products go straight through.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, heapOffset, matMul2d, type WasmKernelArgs } from "./heap";
import { simdKernels } from "./simd-module";
import { originalKernel } from "./originals";
import { backendGemm, gemmBatched, type GemmShape } from "./gemm";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A copy of t with its last two axes swapped (per batch). */
function swapLastTwo(backend: BackendWasm, t: tf.TensorInfo): tf.TensorInfo {
  const r = t.shape.length;
  const rows = t.shape[r - 2],
    cols = t.shape[r - 1];
  const batch = t.shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
  const out = alloc(backend, [...t.shape.slice(0, r - 2), cols, rows]);
  const simd = rows % 4 === 0 && cols % 4 === 0 ? simdKernels(backend) : undefined;
  if (simd) {
    // 4×4 SIMD shuffle blocks (a copy: the same values)
    simd.transpose4(heapOffset(backend, t.dataId), heapOffset(backend, out.dataId), batch, rows, cols);
    return out;
  }
  const src = backend.typedArrayFromHeap(t) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const B = 32;
  for (let b = 0; b < batch; b++) {
    const o = b * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += B) {
      const r1 = Math.min(rows, r0 + B);
      for (let c0 = 0; c0 < cols; c0 += B) {
        const c1 = Math.min(cols, c0 + B);
        for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) dst[o + j * rows + i] = src[o + i * cols + j];
      }
    }
  }
  return out;
}

const size = (shape: number[]): number => shape.reduce((p, q) => p * q, 1);

/** Plain (no flags) batched product as per-entry 2-D products; undefined if batch dims don't fit. */
function perBatch(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | undefined {
  const ra = a.shape.length,
    rb = b.shape.length;
  const outerA = a.shape.slice(0, ra - 2),
    outerB = b.shape.slice(0, rb - 2);
  const batchA = size(outerA),
    batchB = size(outerB);
  const batch = Math.max(batchA, batchB);
  if (batch <= 1 || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return undefined;
  const outer = batchA >= batchB ? outerA : outerB;
  if (batchA === batchB && outerA.join() !== outerB.join()) return undefined;
  const m = a.shape[ra - 2],
    k = a.shape[ra - 1],
    n = b.shape[rb - 1];
  if (b.shape[rb - 2] !== k) return undefined; // let wasm's kernel report the mismatch
  const out = alloc(backend, [...outer, m, n]);
  for (let i = 0; i < batch; i++) {
    // fresh tensors per entry: wasm caches XNNPACK's packed right operand by tensor id
    const ai = alloc(backend, [m, k]);
    const bi = alloc(backend, [k, n]);
    const aOff = (batchA === 1 ? 0 : i) * m * k,
      bOff = (batchB === 1 ? 0 : i) * k * n;
    (backend.typedArrayFromHeap(ai) as Float32Array).set(
      (backend.typedArrayFromHeap(a) as Float32Array).subarray(aOff, aOff + m * k),
    );
    (backend.typedArrayFromHeap(bi) as Float32Array).set(
      (backend.typedArrayFromHeap(b) as Float32Array).subarray(bOff, bOff + k * n),
    );
    const oi = matMul2d(backend, ai, bi);
    (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(oi) as Float32Array, i * m * n);
    free(backend, oi);
    free(backend, bi);
    free(backend, ai);
  }
  return out;
}

/**
 * Whether embedlab's GEMM is used for one m×k·k×n product (per batch entry). Measured against
 * XNNPACK (CPU time, one thread, 2-core EPYC), mine/its time: 1024²·1024 ~0.7, 1024×512·512×128
 * ~0.7, Aᵀ·B 128×1024·1024×512 ~0.9, A·Bᵀ 1024×4096·4096×128 ~0.75, 64×64·64×64 ~0.9,
 * 4096×288·288×64 ~0.9; slower for few rows (m = 8–32: 1.25–1.9×, short row tiles are
 * latency-bound), narrow outputs (n = 10: 1.45×, mostly padding) and products under ~0.3M
 * multiply-adds (packing and call overhead).
 */
export function gemmWins(s: GemmShape): boolean {
  return s.m >= 64 && s.n >= 16 && s.m * s.n * s.k >= GEMM_MIN_MACS;
}
/** Multiply-adds per product below which packing costs more than it saves. */
export const GEMM_MIN_MACS = 1 << 18;

/** op(a)·op(b) with embedlab's GEMM, or undefined when the shapes are not ones it wins on. */
function viaGemm(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, attrs: tf.NamedAttrMap) {
  const ra = a.shape.length,
    rb = b.shape.length;
  const transposeA = Boolean(attrs.transposeA),
    transposeB = Boolean(attrs.transposeB);
  const m = a.shape[ra - (transposeA ? 1 : 2)],
    k = a.shape[ra - (transposeA ? 2 : 1)];
  const kb = b.shape[rb - (transposeB ? 1 : 2)],
    n = b.shape[rb - (transposeB ? 2 : 1)];
  if (k !== kb || k === 0) return undefined; // let wasm's kernel report the mismatch
  const s: GemmShape = { m, n, k, transposeA, transposeB };
  if (!gemmWins(s)) return undefined;
  const outerA = a.shape.slice(0, ra - 2),
    outerB = b.shape.slice(0, rb - 2);
  const batchA = size(outerA),
    batchB = size(outerB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  if (batchA === batchB && batchA > 1 && outerA.join() !== outerB.join()) return undefined;
  const kernels = backendGemm(backend);
  if (!kernels) return undefined;
  const outer = batchA >= batchB ? outerA : outerB;
  const out = alloc(backend, [...outer, m, n]);
  gemmBatched(
    backend,
    kernels,
    a,
    b,
    out,
    s,
    Math.max(batchA, batchB),
    batchA === 1 ? 0 : m * k,
    batchB === 1 ? 0 : k * n,
  );
  return out;
}

export function batchMatMul(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const original = originalKernel("BatchMatMul");
  if (a.dtype !== "float32" || b.dtype !== "float32") return original(args as never) as tf.TensorInfo;
  const mine = viaGemm(backend, a, b, attrs);
  if (mine) return mine;
  const batched = a.shape.length > 2 || b.shape.length > 2;
  if (!attrs.transposeA && !attrs.transposeB && !batched) return original(args as never) as tf.TensorInfo;
  const temps: tf.TensorInfo[] = [];
  const a2 = attrs.transposeA ? swapLastTwo(backend, a) : a;
  if (a2 !== a) temps.push(a2);
  const b2 = attrs.transposeB ? swapLastTwo(backend, b) : b;
  if (b2 !== b) temps.push(b2);
  const out =
    (batched ? perBatch(backend, a2, b2) : undefined) ??
    (original({
      inputs: { a: a2, b: b2 },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    } as never) as tf.TensorInfo);
  for (const t of temps) free(backend, t);
  return out;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
