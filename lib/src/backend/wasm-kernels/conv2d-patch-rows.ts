/**
 * Stride-1, size-preserving convolutions with few input channels (the first layer of an image net:
 * K = fh·fw·inC ≤ 64, e.g. 3×3×3) on embedlab's 5×8 GEMM, through "patch rows": X3[pos][kh][c] holds,
 * for each position of a grid one row of the image wide plus the filter's fw − 1 padding columns, the
 * fh input rows below it (zero outside the image). The fw consecutive positions from an output pixel's
 * position are then its whole patch, fh·fw·inC contiguous floats (order kw, kh, c), so
 *   forward:          y[pixel, :] = X3row(pixel) · Wp   (one GEMM per image row, K = fh·fw·inC)
 *   filter gradient:  Wpᵀ-shaped dW = Σ_rows X3rowsᵀ · dy_rows (gemmT reads X3 by columns in place)
 * with A rows read in place, fw·inC floats apart, instead of an fh·fw-times larger im2col matrix or
 * 3-row tiles per filter tap. The forward computes each image row's fw − 1 padding outputs too and lets
 * the next row overwrite them (rows run in order; the last row computes only its own).
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, free, fromValues, heapOffset, view } from "./heap";
import { zeroPadded, type ConvGeometry } from "./conv-geometry";
import { simdKernels } from "./simd-module";
import { NR, type GemmKernels } from "./gemm-module";
import { gemmRows } from "./gemm";

/** Largest patch (fh·fw·inC) taken this way: a first layer's; wider inputs have better paths. */
const MAX_K = 64;
/** Image rows per float32 partial sum of the filter gradient (partials combined in float64). */
const FILTER_CHUNK_ROWS = 64;

/**
 * True for stride-1, undilated, size-preserving convolutions with K ≤ 64, outC % 8 == 0, width ≥ 16.
 * EMBEDLAB_WASM_PATCH_ROWS=0 turns it off (read per call, for A/B measurements).
 */
export function patchRowsApply(g: ConvGeometry): boolean {
  if (process.env.EMBEDLAB_WASM_PATCH_ROWS === "0") return false;
  const padBottom = g.fh - 1 - g.padTop,
    padRight = g.fw - 1 - g.padLeft;
  return (
    g.sh === 1 &&
    g.sw === 1 &&
    g.dh === 1 &&
    g.dw === 1 &&
    g.outH === g.inH &&
    g.outW === g.inW &&
    g.padTop >= 0 &&
    g.padLeft >= 0 &&
    padBottom >= 0 &&
    padRight >= 0 &&
    g.fh * g.fw * g.inC <= MAX_K &&
    g.outC % NR === 0 &&
    g.inW >= 16
  );
}

/** X3 [n·H·GW + fw − 1 positions][fh][inC] of x (GW = W + fw − 1), zero outside the image, + 4 floats of slack. */
function patchRows(backend: BackendWasm, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const { n, inH: H, inW: W, inC: C, fh, fw, padTop, padLeft } = g;
  const GW = W + fw - 1,
    per = fh * C;
  const x3 = alloc(backend, [(n * H * GW + fw - 1) * per + 4]);
  const simd = C <= 4 ? simdKernels(backend) : undefined;
  if (simd) {
    // SIMD copies of each position's fh input rows from a zero-bordered copy of x
    const xp = zeroPadded(backend, x, [n, H, W, C], [padTop, padLeft, fh - 1 - padTop, fw - 1 - padLeft], 4);
    const xp0 = heapOffset(backend, xp.dataId),
      x30 = heapOffset(backend, x3.dataId);
    const pix = 4 * C,
      rowBytes = GW * pix,
      PH = H + fh - 1;
    for (let b = 0; b < n; b++)
      for (let h = 0; h < H; h++)
        simd.patchRows(xp0 + (b * PH + h) * rowBytes, rowBytes, GW, fh, pix, x30 + (b * H + h) * GW * per * 4);
    free(backend, xp);
    view(backend, x3).fill(0, n * H * GW * per);
    return x3;
  }
  const out = view(backend, x3),
    xv = view(backend, x);
  // written in order, position by position (zeros outside the image): one pass over X3
  let d = 0;
  for (let b = 0; b < n; b++)
    for (let h = 0; h < H; h++)
      for (let wp = 0; wp < GW; wp++) {
        const w = wp - padLeft;
        for (let kh = 0; kh < fh; kh++) {
          const r = h + kh - padTop;
          if (r < 0 || r >= H || w < 0 || w >= W) {
            for (let c = 0; c < C; c++) out[d++] = 0;
          } else {
            const s = ((b * H + r) * W + w) * C;
            for (let c = 0; c < C; c++) out[d++] = xv[s + c];
          }
        }
      }
  out.fill(0, d);
  return x3;
}

/** Patch-row index k = kw·fh·C + kh·C + c of filter element [kh][kw][c]. */
const patchIndex = (g: ConvGeometry, kh: number, kw: number, c: number) => (kw * g.fh + kh) * g.inC + c;

/** y [n, H, W, outC] of x by filter [fh, fw, inC, outC]. */
export function forwardViaPatchRows(
  backend: BackendWasm,
  kernels: GemmKernels,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const { n, inH: H, inW: W, inC: C, outC: O, fh, fw } = g;
  const K = fh * fw * C,
    GW = W + fw - 1,
    panels = O / NR;
  const x3 = patchRows(backend, x, g);
  const pb = alloc(backend, [panels * K * NR]);
  const y = alloc(backend, [n, H, W, O]);
  try {
    const wv = view(backend, filter),
      pv = view(backend, pb);
    for (let kh = 0; kh < fh; kh++)
      for (let kw = 0; kw < fw; kw++)
        for (let c = 0; c < C; c++) {
          const k = patchIndex(g, kh, kw, c),
            src = ((kh * fw + kw) * C + c) * O;
          for (let o = 0; o < O; o++) pv[((o >> 3) * K + k) * NR + (o & 7)] = wv[src + o];
        }
    const x0 = heapOffset(backend, x3.dataId),
      pb0 = heapOffset(backend, pb.dataId),
      y0 = heapOffset(backend, y.dataId);
    const lda = 4 * fh * C,
      ldc = 4 * O,
      rows = n * H;
    for (let r = 0; r < rows; r++)
      gemmRows(kernels, false, x0 + r * GW * lda, lda, pb0, y0 + r * W * ldc, ldc, r < rows - 1 ? GW : W, panels, K, 0);
  } catch (e) {
    free(backend, y);
    throw e;
  } finally {
    free(backend, pb);
    free(backend, x3);
  }
  return y;
}

/** dW [fh, fw, inC, outC] of the convolution of x giving dy [n, H, W, outC]. */
export function filterGradViaPatchRows(
  backend: BackendWasm,
  kernels: GemmKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const { n, inH: H, inW: W, inC: C, outC: O, fh, fw } = g;
  const K = fh * fw * C,
    GW = W + fw - 1,
    panels = O / NR;
  const x3 = patchRows(backend, x, g);
  const pb = alloc(backend, [panels * W * NR]);
  const part = alloc(backend, [K, O]);
  const acc = new Float64Array(K * O);
  try {
    const x0 = heapOffset(backend, x3.dataId),
      pb0 = heapOffset(backend, pb.dataId),
      part0 = heapOffset(backend, part.dataId),
      dy0 = heapOffset(backend, dy.dataId);
    const lda = 4 * fh * C,
      ldc = 4 * O,
      rows = n * H;
    for (let r = 0; r < rows; r++) {
      // this image row's W outputs of dy as the packed right operand, its patches as Aᵀ (read by columns)
      kernels.packB(dy0 + r * W * ldc, ldc, W, panels, pb0);
      const first = r % FILTER_CHUNK_ROWS === 0 ? 0 : 1;
      gemmRows(kernels, true, x0 + r * GW * lda, lda, pb0, part0, ldc, K, panels, W, first);
      if ((r + 1) % FILTER_CHUNK_ROWS === 0 || r === rows - 1) {
        const pv = view(backend, part);
        for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
      }
    }
  } finally {
    for (const t of [part, pb, x3]) free(backend, t);
  }
  const dW = new Float64Array(K * O);
  for (let kh = 0; kh < fh; kh++)
    for (let kw = 0; kw < fw; kw++)
      for (let c = 0; c < C; c++) {
        const src = patchIndex(g, kh, kw, c) * O,
          dst = ((kh * fw + kw) * C + c) * O;
        for (let o = 0; o < O; o++) dW[dst + o] = acc[src + o];
      }
  return fromValues(backend, [fh, fw, C, O], dW);
}
