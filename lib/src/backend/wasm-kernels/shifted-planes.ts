/**
 * The "shifted planes" layout for stride-1, size-preserving ("same") convolutions: every image is
 * laid out on a grid padded by zero rows/columns (shared between neighbouring images and rows),
 * so a filter tap at offset (di, dj) reads the flat position p + di·PW + dj for every output p.
 * A tap's im2colᵀ row is then one contiguous slice of a channel plane — a memcpy, not a gather.
 * Output positions that fall on padding carry a zero dy, so what they read never counts.
 */
import type { ConvGeometry } from "./conv-geometry";

export type ShiftedLayout = {
  /** Padded grid: PH rows × PW columns per image; S = PH·PW; P = n·S flat positions. */
  PH: number;
  PW: number;
  S: number;
  P: number;
  /** Zero guard before (and after) the n·S positions of each plane. */
  guard: number;
  /** Flat offset of each filter tap (i, j) in row-major order. */
  tapOffsets: number[];
};

/** The layout for g, or undefined when g is not a stride-1, size-preserving convolution. */
export function shiftedLayout(g: ConvGeometry): ShiftedLayout | undefined {
  if (g.sh !== 1 || g.sw !== 1 || g.outH !== g.inH || g.outW !== g.inW) return undefined;
  const padBottom = (g.fh - 1) * g.dh - g.padTop,
    padRight = (g.fw - 1) * g.dw - g.padLeft;
  if (g.padTop < 0 || g.padLeft < 0 || padBottom < 0 || padRight < 0) return undefined;
  const zr = Math.max(g.padTop, padBottom),
    zc = Math.max(g.padLeft, padRight);
  const PH = g.inH + zr,
    PW = g.inW + zc,
    S = PH * PW;
  const tapOffsets: number[] = [];
  for (let i = 0; i < g.fh; i++)
    for (let j = 0; j < g.fw; j++) tapOffsets.push((i * g.dh - g.padTop) * PW + (j * g.dw - g.padLeft));
  return { PH, PW, S, P: g.n * S, guard: zr * PW + zc, tapOffsets };
}

/** x [n, H, W, C] (NHWC) → planes [C][guard + P + guard] on the padded grid, zeros elsewhere. */
export function toShiftedPlanes(x: Float32Array, g: ConvGeometry, L: ShiftedLayout): Float32Array {
  const { n, inH: H, inW: W, inC: C } = g;
  const stride = L.P + 2 * L.guard;
  const planes = new Float32Array(C * stride);
  let src = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < H; r++) {
      const rowStart = L.guard + b * L.S + r * L.PW;
      for (let w = 0; w < W; w++, src += C) {
        const p = rowStart + w;
        for (let c = 0, q = p; c < C; c++, q += stride) planes[q] = x[src + c];
      }
    }
  }
  return planes;
}

/** colsT[K, p1-p0] for positions [p0, p1): row (tap, c) = plane c shifted by the tap's offset. */
export function shiftedColsT(
  planes: Float32Array,
  g: ConvGeometry,
  L: ShiftedLayout,
  colsT: Float32Array,
  p0: number,
  p1: number,
): void {
  const stride = L.P + 2 * L.guard,
    rows = p1 - p0;
  let o = 0;
  for (const s of L.tapOffsets) {
    for (let c = 0; c < g.inC; c++, o += rows) {
      const from = c * stride + L.guard + p0 + s;
      colsT.set(planes.subarray(from, from + rows), o);
    }
  }
}

/** dy rows for padded positions [p0, p1) → out[(p1-p0), outC]: dy where the position is real, else 0. */
export function shiftedDyRows(
  dy: Float32Array,
  g: ConvGeometry,
  L: ShiftedLayout,
  out: Float32Array,
  p0: number,
  p1: number,
): void {
  const { outH: H, outW: W, outC: C } = g;
  out.fill(0, 0, (p1 - p0) * C);
  let p = p0;
  while (p < p1) {
    const b = Math.floor(p / L.S),
      rem = p - b * L.S;
    const r = Math.floor(rem / L.PW),
      c = rem - r * L.PW;
    const rowEnd = Math.min(p1, p - c + L.PW);
    if (r < H && c < W) {
      const end = Math.min(W, c + (rowEnd - p));
      const src = ((b * H + r) * W + c) * C;
      out.set(dy.subarray(src, src + (end - c) * C), (p - p0) * C);
    }
    p = rowEnd;
  }
}
