/**
 * Conv2DBackpropFilter on wasm (missing from tfjs-backend-wasm 4.22). 3×3 stride-1 "same" filters
 * with inC % 4 == 0 and outC % 8 == 0 by Winograd F(2×2, 3×3) (winograd.ts); stride-1 size-preserving
 * ones with few input channels (fh·fw·inC ≤ 64, outC % 8 == 0) through patch rows (conv2d-patch-rows.ts);
 * the others as plain 2-D matMuls over
 * chunks of output positions so every operand stays in cache:
 *   dW[K, outC] = Σ_chunks colsᵀ_chunk[K, rows] · dy_chunk[rows, outC],   cols = im2col(x).
 * The product lands in the filter's own layout. wasm's matMul packs its right operand on every
 * call (XNNPACK fully-connected weights), so a small right operand (dy) per chunk is cheapest;
 * measured on the CIFAR CNN this beat dyᵀ·cols by ~1.4x and one unchunked product by ~2x.
 */
import * as tf from "@tensorflow/tfjs";
import {
  alloc,
  free,
  fromValues,
  heapOffset,
  matMul2d,
  requireNhwc,
  transpose2d,
  view,
  type WasmKernelArgs,
} from "./heap";
import { convGeometry, im2colTRowsFromPlanes, type ConvGeometry } from "./conv-geometry";
import { shiftedColsT, shiftedDyRows, shiftedLayout, toShiftedPlanes, type ShiftedLayout } from "./shifted-planes";

import { backendGemm, gemmRows } from "./gemm";
import { NR, type GemmKernels } from "./gemm-module";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { winogradApplies, winogradFilterGrad, winogradParts } from "./winograd";
import { filterGradViaPatchRows, patchRowsApply } from "./conv2d-patch-rows";

/** Floats of colsᵀ per chunk (512 KiB). */
const CHUNK_FLOATS = 1 << 17;

/** Output positions per chunk on the shifted-planes path (wasm's matMul is fastest near 2–4k). */
const SHIFTED_ROWS = 4096;

/**
 * Stride-1 "same" convolutions: colsᵀ chunks are contiguous slices of zero-padded channel planes
 * (shifted-planes.ts), ~5x cheaper to build than a gather, for ~6–13 % more multiply-adds on
 * the padding positions (where dy is zero).
 */
function viaShiftedPlanes(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  L: ShiftedLayout,
  filterShape: number[],
): tf.TensorInfo {
  const K = g.fh * g.fw * g.inC,
    C = g.outC;
  const planes = toShiftedPlanes(view(backend, x), g, L);
  const rowsPer = Math.min(L.P, Math.max(256, Math.min(SHIFTED_ROWS, Math.floor((1 << 22) / K))));
  const acc = chunkedColsTDy(backend, K, C, L.P, rowsPer, (a, b, p0, p1) => {
    shiftedColsT(planes, g, L, a, p0, p1);
    shiftedDyRows(view(backend, dy), g, L, b, p0, p1);
  });
  return fromValues(backend, filterShape, acc);
}

/**
 * Σ over chunks of `rowsPer` (of `total`) output positions of colsᵀ_chunk[K, rows] · dy_chunk[rows, C],
 * summed in float64 ([K, C], the filter's layout). `fill(a, b, r0, r1)` writes the chunk's colsᵀ
 * into `a` [K, rows] and its dy rows into `b` [rows, C] (views taken after the chunk's allocations).
 */
function chunkedColsTDy(
  backend: BackendWasm,
  K: number,
  C: number,
  total: number,
  rowsPer: number,
  fill: (a: Float32Array, b: Float32Array, r0: number, r1: number) => void,
): Float64Array {
  const acc = new Float64Array(K * C);
  for (let r0 = 0; r0 < total; r0 += rowsPer) {
    const rows = Math.min(rowsPer, total - r0);
    // fresh tensors per chunk: wasm caches the packed right operand by tensor id
    const a = alloc(backend, [K, rows]);
    const b = alloc(backend, [rows, C]);
    fill(view(backend, a), view(backend, b), r0, r0 + rows);
    const part = matMul2d(backend, a, b); // [K, C]
    addInto(acc, view(backend, part));
    free(backend, part);
    free(backend, b);
    free(backend, a);
  }
  return acc;
}

function addInto(acc: Float64Array, part: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += part[i];
}

/** Padded positions per float32 partial sum of the GEMM path (partials combined in float64). */
const GEMM_CHUNK = 2048;
/** Reduction steps per packed block of dy on the GEMM path. */
const GEMM_KC = 256;

/**
 * The shifted-planes layout with embedlab's 5×8 GEMM (gemm-module.ts), for outC % 8 == 0: per tap,
 * dW[tap, c, :] = Σ_p plane_c[p + tap] · dyPad[p, :], the plane rows read in place (lda = one
 * plane) and dy on the padded grid packed once per 256-position block for all taps. It does the
 * padding positions' multiply-adds too (13 % more at 16×16) and still beat the row-table 6×8
 * kernel it replaced (3×3×32→64 on 16×16: ~28 → ~18 ms; 3×3×3→32 on 32×32: ~7 → ~6.5 ms) and
 * wasm's matMul (3×3×64→128 on 8×8: ~22 → ~18 ms).
 */
function viaGemm(
  backend: BackendWasm,
  kernels: GemmKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  L: ShiftedLayout,
  filterShape: number[],
): tf.TensorInfo {
  const C = g.outC,
    inC = g.inC,
    K = g.fh * g.fw * inC;
  const stride = L.P + 2 * L.guard;
  const planesT = alloc(backend, [inC * stride]);
  const dyPad = alloc(backend, [L.P, C]);
  const pb = alloc(backend, [GEMM_KC * C]);
  const part = alloc(backend, [K, C]);
  view(backend, planesT).set(toShiftedPlanes(view(backend, x), g, L));
  shiftedDyRows(view(backend, dy), g, L, view(backend, dyPad), 0, L.P);
  const planes0 = heapOffset(backend, planesT.dataId),
    dy0 = heapOffset(backend, dyPad.dataId),
    pbOff = heapOffset(backend, pb.dataId),
    partOff = heapOffset(backend, part.dataId);
  const panels = C / NR,
    ldc = 4 * C,
    lda = 4 * stride;
  const acc = new Float64Array(K * C);
  for (let c0 = 0; c0 < L.P; c0 += GEMM_CHUNK) {
    const c1 = Math.min(L.P, c0 + GEMM_CHUNK);
    for (let k0 = c0; k0 < c1; k0 += GEMM_KC) {
      const kc = Math.min(GEMM_KC, c1 - k0),
        first = k0 === c0 ? 0 : 1;
      kernels.packB(dy0 + 4 * k0 * C, ldc, kc, panels, pbOff);
      L.tapOffsets.forEach((s, tap) => {
        const a = planes0 + 4 * (L.guard + s + k0),
          c = partOff + tap * inC * ldc;
        gemmRows(kernels, false, a, lda, pbOff, c, ldc, inC, panels, kc, first);
      });
    }
    addInto(acc, view(backend, part));
  }
  for (const t of [part, pb, dyPad, planesT]) free(backend, t);
  return fromValues(backend, filterShape, acc);
}

export function conv2dBackpropFilter({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  requireNhwc("Conv2DBackpropFilter", attrs.dataFormat);
  const filterShape = attrs.filterShape as number[];
  const g = convGeometry(x.shape, filterShape, attrs, false);
  const f32 = x.dtype === "float32" && dy.dtype === "float32";
  const wino = f32 && winogradApplies(g, g.inC, g.outC) ? winogradParts(backend, g.inC, g.outC) : undefined;
  if (wino) return winogradFilterGrad(backend, wino, x, dy, g);
  const rowsGemm = f32 && patchRowsApply(g) ? backendGemm(backend) : undefined;
  if (rowsGemm) return filterGradViaPatchRows(backend, rowsGemm, x, dy, g);
  const layout = shiftedLayout(g);
  if (layout && x.dtype === "float32" && dy.dtype === "float32") {
    const gemm = g.outC % NR === 0 ? backendGemm(backend) : undefined;
    if (gemm) return viaGemm(backend, gemm, x, dy, g, layout, filterShape);
    return viaShiftedPlanes(backend, x, dy, g, layout, filterShape);
  }
  const M = g.n * g.outH * g.outW;
  const K = g.fh * g.fw * g.inC;
  const C = g.outC;
  const rowsPer = Math.min(M, Math.max(256, Math.floor(CHUNK_FLOATS / K)));
  // x as channel planes [inC, n·inH·inW]: building colsᵀ from planes is ~2x faster than from NHWC
  const pixels = g.n * g.inH * g.inW;
  const xT = alloc(backend, [g.inC, pixels]);
  transpose2d(view(backend, x), pixels, g.inC, view(backend, xT));
  const acc = chunkedColsTDy(backend, K, C, M, rowsPer, (a, b, m0, m1) => {
    im2colTRowsFromPlanes(view(backend, xT), g, a, m0, m1);
    b.set(view(backend, dy).subarray(m0 * C, m1 * C));
  });
  free(backend, xT);
  return fromValues(backend, filterShape, acc);
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
