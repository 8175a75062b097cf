/**
 * Conv2DBackpropInput for stride-1, size-preserving convolutions with inC % 8 == 0 on embedlab's
 * 5×8 GEMM (gemm-module.ts), on the shifted-planes grid (shifted-planes.ts) in NHWC:
 *   dxPad[p, c] = Σ_tap Σ_o dyPad[p − tap, o] · W[tap, c, o],
 * each tap one product whose A rows are dy rows read in place (row p at p − tap on a zero-guarded
 * padded copy of dy) and whose B is that tap's Wᵀ packed in 8-wide panels. Blocks of positions
 * go through all taps while their dx rows stay in L2. The padding positions' rows are computed
 * too (13 % more multiply-adds at 16×16) and dropped when dx is copied out.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, free, heapOffset, view } from "./heap";
import type { ConvGeometry } from "./conv-geometry";
import type { ShiftedLayout } from "./shifted-planes";
import { NR, type GemmKernels } from "./gemm-module";
import { gemmRows } from "./gemm";

/** Padded positions per block (a multiple of MR): 500 × inC floats of dx stay in L2 across taps. */
const BLOCK = 500;

export function backpropInputViaGemm(
  backend: BackendWasm,
  kernels: GemmKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
  L: ShiftedLayout,
  inputShape: number[],
): tf.TensorInfo {
  const { inC, outC, fh, fw } = g;
  const taps = fh * fw,
    panels = inC / NR;
  // dy on the padded grid with `guard` zero positions before and after, [guard + P + guard, outC]
  const dyPad = alloc(backend, [(L.P + 2 * L.guard) * outC]);
  const pb = alloc(backend, [taps * panels * outC * NR]);
  const dxPad = alloc(backend, [L.P, inC]);
  const dx = alloc(backend, inputShape);
  const dyp = view(backend, dyPad);
  dyp.fill(0);
  const dyv = view(backend, dy);
  const W = g.outW,
    rowFloats = W * outC;
  for (let b = 0; b < g.n; b++)
    for (let r = 0; r < g.outH; r++) {
      const src = (b * g.outH + r) * W * outC;
      dyp.set(dyv.subarray(src, src + rowFloats), (L.guard + b * L.S + r * L.PW) * outC);
    }
  // per tap t: panels [j][o][q] = W[t, 8j + q, o] (filter [fh, fw, inC, outC])
  const wv = view(backend, filter),
    pbv = view(backend, pb);
  for (let t = 0; t < taps; t++)
    for (let j = 0; j < panels; j++)
      for (let o = 0; o < outC; o++) {
        const d = ((t * panels + j) * outC + o) * NR;
        for (let q = 0; q < NR; q++) pbv[d + q] = wv[(t * inC + j * NR + q) * outC + o];
      }
  const dy0 = heapOffset(backend, dyPad.dataId),
    pb0 = heapOffset(backend, pb.dataId),
    dx0 = heapOffset(backend, dxPad.dataId);
  const lda = 4 * outC,
    ldc = 4 * inC,
    tapBytes = 4 * panels * outC * NR;
  for (let p0 = 0; p0 < L.P; p0 += BLOCK) {
    const rows = Math.min(BLOCK, L.P - p0);
    L.tapOffsets.forEach((s, t) => {
      const a = dy0 + lda * (L.guard + p0 - s),
        c = dx0 + ldc * p0,
        acc = t > 0 ? 1 : 0;
      gemmRows(kernels, false, a, lda, pb0 + t * tapBytes, c, ldc, rows, panels, outC, acc);
    });
  }
  // dx = the real positions of dxPad
  const dxp = view(backend, dxPad),
    dxv = view(backend, dx);
  const inRow = g.inW * inC;
  for (let b = 0; b < g.n; b++)
    for (let r = 0; r < g.inH; r++) {
      const from = (b * L.S + r * L.PW) * inC;
      dxv.set(dxp.subarray(from, from + inRow), (b * g.inH + r) * g.inW * inC);
    }
  for (const t of [dxPad, pb, dyPad]) free(backend, t);
  return dx;
}
