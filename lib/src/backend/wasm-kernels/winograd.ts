/**
 * 3×3, stride-1, "same" convolutions by Winograd's F(2×2, 3×3) (Lavin & Gray 2016) on the wasm heap:
 * each 2×2 block of outputs ("tile") from its 4×4 input patch d as
 *   Y = Aᵀ·[U ⊙ V]·A,   U = G·g·Gᵀ (the filter, per channel pair),   V = Bᵀ·d·B (the input, per channel),
 * so the channel sums become 16 matrix products M[ξ] = V[ξ]·U[ξ] ([tiles, inC]·[inC, outC], one per
 * position ξ of the 4×4 tile) with 16 multiply-adds per tile and channel pair instead of 36. The
 * products run on embedlab's 5×8 GEMM (gemm-module.ts), the tile transforms in wasm SIMD
 * (winograd-module.ts), over blocks of tiles whose V and M stay in L2.
 *   forward:          y = conv(x, g)
 *   input gradient:   dx = conv(dy, g rotated 180° with its channel axes swapped) (same padding)
 *   filter gradient:  dU[ξ] = Σ_tiles V[ξ]ᵀ·dM[ξ] with dM = A·dY·Aᵀ, then dg = Gᵀ·dU·G (float64 across chunks)
 * Results differ from direct summation by float32 rounding only (the transforms add and subtract
 * inputs; G holds halves), checked against the cpu backend in the tests.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, free, fromValues, heapOffset, view, wasmMemory } from "./heap";
import { zeroPadded, type ConvGeometry } from "./conv-geometry";
import { NR, type GemmKernels } from "./gemm-module";
import { backendGemm, gemmRows } from "./gemm";
import { tileBytes, winogradTransforms, type WinogradTransforms } from "./winograd-module";

/**
 * Tiles per block: V (64·inC bytes a tile) and M (64·outC) of a block stay in L2 together. On the
 * CIFAR CNN's 16×16×32→64 convolution 32, 64 and 128 measured alike, 256 slower.
 */
const BLOCK_TILES = 64;
/** Tiles per block of the filter gradient (its GEMM's reduction length): 128 and 256 were slower. */
const FILTER_BLOCK_TILES = 64;
/** Blocks per float32 partial sum of the filter gradient (partials combined in float64). */
const FILTER_CHUNK_BLOCKS = 8;

/** G of F(2×2, 3×3), 4×3. */
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
];

/**
 * True for the convolutions this file computes: 3×3, stride 1, no dilation, "same" (one zero row
 * and column on each side), even output height and width; `inCh` a multiple of 4 and `outCh` of 8.
 * EMBEDLAB_WASM_WINOGRAD=0 turns it off (read per call, for A/B measurements).
 */
export function winogradApplies(g: ConvGeometry, inCh: number, outCh: number): boolean {
  if (process.env.EMBEDLAB_WASM_WINOGRAD === "0") return false;
  return (
    g.fh === 3 &&
    g.fw === 3 &&
    g.sh === 1 &&
    g.sw === 1 &&
    g.dh === 1 &&
    g.dw === 1 &&
    g.padTop === 1 &&
    g.padLeft === 1 &&
    g.outH === g.inH &&
    g.outW === g.inW &&
    g.outH % 2 === 0 &&
    g.outW % 2 === 0 &&
    inCh % 4 === 0 &&
    outCh % NR === 0
  );
}

type Parts = { gemm: GemmKernels; inT: WinogradTransforms; outT: WinogradTransforms };

/** The GEMM and the transforms for `inCh` → `outCh` channels on `backend`, or undefined. */
export function winogradParts(backend: BackendWasm, inCh: number, outCh: number): Parts | undefined {
  const memory = wasmMemory(backend);
  const gemm = backendGemm(backend);
  const inT = memory && winogradTransforms(memory, inCh);
  const outT = memory && winogradTransforms(memory, outCh);
  return gemm && inT && outT ? { gemm, inT, outT } : undefined;
}

/** g [3, 3, cin, cout] (rotated 180° with cin/cout swapped when `rotated`) as U, packed per ξ in 8-wide panels. */
function packedFilter(w: Float32Array, C: number, O: number, rotated: boolean, dst: Float32Array): void {
  // the transformed filter maps inCh → outCh: C, O as stored in w; the conv's channels swap when rotated
  const inCh = rotated ? O : C,
    outCh = rotated ? C : O;
  const panels = outCh / NR;
  const taps = new Float64Array(9);
  for (let ci = 0; ci < inCh; ci++)
    for (let co = 0; co < outCh; co++) {
      const [c, o] = rotated ? [co, ci] : [ci, co];
      for (let kh = 0; kh < 3; kh++)
        for (let kw = 0; kw < 3; kw++) {
          const tap = rotated ? (2 - kh) * 3 + (2 - kw) : kh * 3 + kw;
          taps[kh * 3 + kw] = w[(tap * C + c) * O + o];
        }
      const dOff = ((co >> 3) * inCh + ci) * NR + (co & 7);
      for (let i = 0; i < 4; i++) {
        // row i of G·g
        const r0 = G[i][0] * taps[0] + G[i][1] * taps[3] + G[i][2] * taps[6];
        const r1 = G[i][0] * taps[1] + G[i][1] * taps[4] + G[i][2] * taps[7];
        const r2 = G[i][0] * taps[2] + G[i][1] * taps[5] + G[i][2] * taps[8];
        for (let j = 0; j < 4; j++)
          dst[(4 * i + j) * panels * inCh * NR + dOff] = G[j][0] * r0 + G[j][1] * r1 + G[j][2] * r2;
      }
    }
}

/**
 * Calls visit(b, ty, tx0, count, k) for the runs of tiles [t0, t1) along one tile row: image b, tile
 * row ty, first tile column tx0, `count` tiles, the run's first tile at index k of the block.
 */
function forRuns(
  t0: number,
  t1: number,
  tilesH: number,
  tilesW: number,
  visit: (b: number, ty: number, tx0: number, count: number, k: number) => void,
): void {
  for (let t = t0; t < t1;) {
    const rowIdx = Math.floor(t / tilesW),
      tx0 = t - rowIdx * tilesW;
    const count = Math.min(tilesW - tx0, t1 - t);
    visit(Math.floor(rowIdx / tilesH), rowIdx % tilesH, tx0, count, t - t0);
    t += count;
  }
}

/**
 * y [n, H, W, outCh] = the "same" 3×3 convolution of x [n, H, W, inCh] (g's geometry with inCh input
 * channels) by the filter w [3, 3, C, O] — as stored, or (`rotated`) for the input gradient: rotated
 * 180° with its channel axes swapped (then inCh = O, outCh = C).
 */
export function winogradConv(
  backend: BackendWasm,
  parts: Parts,
  x: tf.TensorInfo,
  w: tf.TensorInfo,
  g: ConvGeometry,
  rotated: boolean,
): tf.TensorInfo {
  const [, , C, O] = w.shape;
  const inCh = rotated ? O : C,
    outCh = rotated ? C : O;
  const { n, inH: H, inW: W } = g;
  const tilesH = H / 2,
    tilesW = W / 2,
    total = n * tilesH * tilesW;
  const uBytes = 4 * inCh * outCh;
  const up = alloc(backend, [16 * inCh * outCh]);
  const xp = zeroPadded(backend, x, [n, H, W, inCh], [1, 1, 1, 1]);
  const V = alloc(backend, [(BLOCK_TILES * tileBytes(inCh)) / 4]);
  const M = alloc(backend, [(BLOCK_TILES * tileBytes(outCh)) / 4]);
  const y = alloc(backend, [n, H, W, outCh]);
  try {
    packedFilter(view(backend, w), C, O, rotated, view(backend, up));
    const up0 = heapOffset(backend, up.dataId),
      xp0 = heapOffset(backend, xp.dataId),
      v0 = heapOffset(backend, V.dataId),
      m0 = heapOffset(backend, M.dataId),
      y0 = heapOffset(backend, y.dataId);
    const inPix = 4 * inCh,
      outPix = 4 * outCh,
      inRow = (W + 2) * inPix,
      outRow = W * outPix;
    for (let t0 = 0; t0 < total; t0 += BLOCK_TILES) {
      const t1 = Math.min(total, t0 + BLOCK_TILES);
      forRuns(t0, t1, tilesH, tilesW, (b, ty, tx0, count, k) =>
        parts.inT.input(
          xp0 + ((b * (H + 2) + 2 * ty) * (W + 2) + 2 * tx0) * inPix,
          inRow,
          count,
          v0 + tileBytes(inCh) * k,
        ),
      );
      for (let xi = 0; xi < 16; xi++)
        gemmRows(
          parts.gemm,
          false,
          v0 + xi * inPix,
          tileBytes(inCh),
          up0 + xi * uBytes,
          m0 + xi * outPix,
          tileBytes(outCh),
          t1 - t0,
          outCh / NR,
          inCh,
          0,
        );
      forRuns(t0, t1, tilesH, tilesW, (b, ty, tx0, count, k) =>
        parts.outT.output(m0 + tileBytes(outCh) * k, count, y0 + ((b * H + 2 * ty) * W + 2 * tx0) * outPix, outRow),
      );
    }
  } catch (e) {
    free(backend, y);
    throw e;
  } finally {
    for (const t of [M, V, xp, up]) free(backend, t);
  }
  return y;
}

/** dW [3, 3, inCh, outCh] of the "same" 3×3 convolution of x [n, H, W, inCh] giving dy [n, H, W, outCh]. */
export function winogradFilterGrad(
  backend: BackendWasm,
  parts: Parts,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const { n, inH: H, inW: W, inC, outC } = g;
  const tilesH = H / 2,
    tilesW = W / 2,
    total = n * tilesH * tilesW;
  const xp = zeroPadded(backend, x, [n, H, W, inC], [1, 1, 1, 1]);
  const V = alloc(backend, [(FILTER_BLOCK_TILES * tileBytes(inC)) / 4]);
  // each ξ's panels one cache line further apart than their size: a tile's 16 stores hit 16 L1 sets
  const xiBytes = (outC / NR) * 4 * NR * FILTER_BLOCK_TILES + 64;
  const dM = alloc(backend, [(16 * xiBytes) / 4]);
  const part = alloc(backend, [16 * inC * outC]);
  const acc = new Float64Array(16 * inC * outC);
  try {
    const xp0 = heapOffset(backend, xp.dataId),
      v0 = heapOffset(backend, V.dataId),
      dm0 = heapOffset(backend, dM.dataId),
      part0 = heapOffset(backend, part.dataId),
      dy0 = heapOffset(backend, dy.dataId);
    const inPix = 4 * inC,
      outPix = 4 * outC,
      inRow = (W + 2) * inPix,
      outRow = W * outPix;
    const panels = outC / NR;
    const addPart = () => {
      const pv = view(backend, part);
      for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
    };
    let blocks = 0;
    for (let t0 = 0; t0 < total; t0 += FILTER_BLOCK_TILES) {
      const t1 = Math.min(total, t0 + FILTER_BLOCK_TILES),
        rows = t1 - t0,
        panelBytes = 4 * NR * rows;
      forRuns(t0, t1, tilesH, tilesW, (b, ty, tx0, count, k) => {
        parts.inT.input(
          xp0 + ((b * (H + 2) + 2 * ty) * (W + 2) + 2 * tx0) * inPix,
          inRow,
          count,
          v0 + tileBytes(inC) * k,
        );
        const src = dy0 + ((b * H + 2 * ty) * W + 2 * tx0) * outPix;
        parts.outT.outputGrad(src, outRow, count, dm0 + 4 * NR * k, panelBytes, xiBytes);
      });
      const first = blocks % FILTER_CHUNK_BLOCKS === 0 ? 0 : 1;
      for (let xi = 0; xi < 16; xi++)
        gemmRows(
          parts.gemm,
          true,
          v0 + xi * inPix,
          tileBytes(inC),
          dm0 + xi * xiBytes,
          part0 + xi * 4 * inC * outC,
          outPix,
          inC,
          panels,
          rows,
          first,
        );
      blocks++;
      if (blocks % FILTER_CHUNK_BLOCKS === 0 || t1 === total) addPart();
    }
  } finally {
    for (const t of [part, dM, V, xp]) free(backend, t);
  }
  // dg[kh][kw] = Σ_ij G[i][kh]·dU[4i + j]·G[j][kw]
  const co = inC * outC;
  const dW = new Float64Array(9 * co);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      const src = (4 * i + j) * co;
      for (let kh = 0; kh < 3; kh++) {
        if (G[i][kh] === 0) continue;
        for (let kw = 0; kw < 3; kw++) {
          const f = G[i][kh] * G[j][kw];
          if (f === 0) continue;
          const dst = (kh * 3 + kw) * co;
          for (let e = 0; e < co; e++) dW[dst + e] += f * acc[src + e];
        }
      }
    }
  return fromValues(backend, [3, 3, inC, outC], dW);
}
