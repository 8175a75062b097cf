/** Convolution geometry (NHWC) and the im2colᵀ / col2im loops used by the conv gradient kernels. */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, asPair, view } from "./heap";

export type ConvGeometry = {
  n: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
};

/** Geometry of a conv2d (depthwise=false) or depthwise conv (depthwise=true), from tfjs's own rules. */
export function convGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: tf.NamedAttrMap,
  depthwise: boolean,
): ConvGeometry {
  const strides = asPair(attrs.strides, "strides");
  const dilations = asPair(attrs.dilations, "dilations");
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    depthwise,
    "channelsLast",
  );
  return {
    n: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * x [n, H, W, C] (NHWC, on the heap) → [n, top + H + bottom, left + W + right, C] with a zero border,
 * plus `slack` zero floats after it (for reads that run a little past the last element).
 */
export function zeroPadded(
  backend: BackendWasm,
  x: tf.TensorInfo,
  [n, H, W, C]: number[],
  [top, left, bottom, right]: number[],
  slack = 0,
): tf.TensorInfo {
  const PH = top + H + bottom,
    PW = left + W + right;
  const xp = alloc(backend, [n * PH * PW * C + slack]);
  const pv = view(backend, xp),
    xv = view(backend, x);
  pv.fill(0);
  const row = W * C;
  for (let b = 0; b < n; b++)
    for (let h = 0; h < H; h++) {
      const src = (b * H + h) * row;
      pv.set(xv.subarray(src, src + row), ((b * PH + h + top) * PW + left) * C);
    }
  return xp;
}

/**
 * Direct-loop walk shared by the depthwise gradient kernels: calls `visit(xBase, fBase, dyBase)` for
 * every (image, output position, filter tap) whose input pixel lies inside the image, in the order
 * b, oh, ow, i, j. `xBase` indexes x's channels at that input pixel (NHWC), `fBase` the tap's row of
 * outC filter values, `dyBase` dy's outC channels at that output position.
 */
export function forEachConvTap(g: ConvGeometry, visit: (xBase: number, fBase: number, dyBase: number) => void): void {
  const { n, inH, inW, inC, outH, outW, outC, fh, fw, sh, sw, dh, dw, padTop, padLeft } = g;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const dyBase = ((b * outH + oh) * outW + ow) * outC;
        for (let i = 0; i < fh; i++) {
          const ih = oh * sh + i * dh - padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let j = 0; j < fw; j++) {
            const iw = ow * sw + j * dw - padLeft;
            if (iw < 0 || iw >= inW) continue;
            visit(((b * inH + ih) * inW + iw) * inC, (i * fw + j) * outC, dyBase);
          }
        }
      }
    }
  }
}

/** dx += scatter of cols[M, K] back to the input positions (dx must be zeroed first). */
export function col2im(cols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { n, inH, inW, inC, outH, outW, fh, fw, sh, sw, dh, dw, padTop, padLeft } = g;
  const K = fh * fw * inC;
  const rowLen = fw * inC;
  let row = 0;
  for (let b = 0; b < n; b++) {
    const xb = b * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, row++) {
        let o = row * K;
        const iw0 = ow * sw - padLeft;
        const rowInside = dw === 1 && iw0 >= 0 && iw0 + fw <= inW;
        for (let i = 0; i < fh; i++) {
          const ih = oh * sh + i * dh - padTop;
          if (ih < 0 || ih >= inH) {
            o += rowLen;
            continue;
          }
          if (rowInside) {
            const dst = xb + (ih * inW + iw0) * inC;
            for (let k = 0; k < rowLen; k++) dx[dst + k] += cols[o + k];
            o += rowLen;
            continue;
          }
          for (let j = 0; j < fw; j++, o += inC) {
            const iw = iw0 + j * dw;
            if (iw < 0 || iw >= inW) continue;
            const dst = xb + (ih * inW + iw) * inC;
            for (let c = 0; c < inC; c++) dx[dst + c] += cols[o + c];
          }
        }
      }
    }
  }
}

/**
 * Columns [rowStart, rowEnd) of colsT[K, M] — the transpose of im2col: M = n·outH·outW output
 * positions, K = fh·fw·inC ordered like the filter's [fh, fw, inC] — written to
 * colsT[0 .. K·(rowEnd-rowStart)). Each run of output columns is a strided copy of x.
 */
export function im2colTRows(
  x: Float32Array,
  g: ConvGeometry,
  colsT: Float32Array,
  rowStart: number,
  rowEnd: number,
): void {
  im2colTRowsStrided(x, g, colsT, rowStart, rowEnd, g.inC, 1);
}

/**
 * As im2colTRows, reading from xT = x transposed to [inC, n·inH·inW] (channel planes): each run
 * is then a (stride-sw) walk along one plane row, cache-friendly whatever inC is.
 */
export function im2colTRowsFromPlanes(
  xT: Float32Array,
  g: ConvGeometry,
  colsT: Float32Array,
  rowStart: number,
  rowEnd: number,
): void {
  im2colTRowsStrided(xT, g, colsT, rowStart, rowEnd, 1, g.n * g.inH * g.inW);
}

/** Shared loop: element (b, ih, iw, c) of x lives at ((b·inH + ih)·inW + iw)·pixelStride + c·channelStride. */
function im2colTRowsStrided(
  x: Float32Array,
  g: ConvGeometry,
  colsT: Float32Array,
  rowStart: number,
  rowEnd: number,
  pixelStride: number,
  channelStride: number,
): void {
  const { inH, inW, inC, outH, outW, fh, fw, sh, sw, dh, dw, padTop, padLeft } = g;
  const perImage = outH * outW;
  const xStep = sw * pixelStride;
  let o = 0;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      // output columns whose input column is inside the image, for this filter column
      const shift = j * dw - padLeft;
      const owLo = Math.min(outW, Math.max(0, Math.ceil(-shift / sw)));
      const owHi = Math.max(owLo, Math.min(outW, Math.floor((inW - 1 - shift) / sw) + 1));
      for (let c = 0; c < inC; c++) {
        let row = rowStart;
        while (row < rowEnd) {
          const b = Math.floor(row / perImage),
            rem = row - b * perImage;
          const oh = Math.floor(rem / outW),
            ow0 = rem - oh * outW;
          const ow1 = Math.min(outW, ow0 + (rowEnd - row));
          const ih = oh * sh + i * dh - padTop;
          if (ih < 0 || ih >= inH) {
            colsT.fill(0, o, o + (ow1 - ow0));
            o += ow1 - ow0;
          } else {
            const lo = Math.max(ow0, owLo),
              hi = Math.min(ow1, owHi);
            let ow = ow0;
            for (; ow < lo && ow < ow1; ow++) colsT[o++] = 0;
            let xi = ((b * inH + ih) * inW + ow * sw + shift) * pixelStride + c * channelStride;
            for (; ow < hi; ow++, xi += xStep) colsT[o++] = x[xi];
            for (; ow < ow1; ow++) colsT[o++] = 0;
          }
          row += ow1 - ow0;
        }
      }
    }
  }
}
