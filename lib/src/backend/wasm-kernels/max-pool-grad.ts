/**
 * MaxPoolGrad on wasm (tfjs-backend-wasm's is slow): one pass over the windows in JS, routing
 * each dy to the first strictly-largest input of its window (row-major), as the cpu backend does.
 * 2×2/stride-2 windows that tile the input run in the SIMD module (simd-module.ts) when C % 4 = 0.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, asPair, heapOffset, view, type WasmKernelArgs } from "./heap";
import { originalKernel } from "./originals";
import { simdKernels } from "./simd-module";

export function maxPoolGrad(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  if (input.dtype !== "float32") return originalKernel("MaxPoolGrad")(args as never) as tf.TensorInfo;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    asPair(attrs.filterSize, "filterSize"),
    asPair(attrs.strides, "strides"),
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const { batchSize: n, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const pt = info.padInfo.top,
    pl = info.padInfo.left;
  const dx = alloc(backend, input.shape);
  const exact2x2 = fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * OH === H && 2 * OW === W;
  const simd = exact2x2 && C % 4 === 0 ? simdKernels(backend) : undefined;
  if (simd) {
    // windows tile the input exactly, so every dx element is written (no zero fill needed)
    simd.maxPool2x2Grad(
      heapOffset(backend, input.dataId),
      heapOffset(backend, dy.dataId),
      heapOffset(backend, dx.dataId),
      n * OH,
      OW,
      C,
    );
    return dx;
  }
  const dxv = view(backend, dx);
  const xv = view(backend, input);
  const dyv = view(backend, dy);
  dxv.fill(0);
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * OH <= H && 2 * OW <= W) {
    pool2x2Grad(xv, dyv, dxv, n, H, W, C, OH, OW);
    return dx;
  }
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < n; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        best.fill(-Infinity);
        where.fill(-1);
        for (let i = 0; i < fh; i++) {
          const ih = h0 + i;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < fw; j++) {
            const iw = w0 + j;
            if (iw < 0 || iw >= W) continue;
            const base = xb + (ih * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = xv[base + c];
              if (v > best[c]) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) if (where[c] >= 0) dxv[where[c]] += dyv[dyBase + c];
      }
    }
  }
  return dx;
}

/** The common 2×2 / stride-2 / unpadded case: windows do not overlap, so no bookkeeping arrays. */
function pool2x2Grad(
  xv: Float32Array,
  dyv: Float32Array,
  dxv: Float32Array,
  n: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
): void {
  const rowStride = W * C;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const p00 = ((b * H + 2 * oh) * W + 2 * ow) * C,
          p01 = p00 + C,
          p10 = p00 + rowStride,
          p11 = p10 + C;
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          // first strictly-largest in row-major order, as the cpu backend picks
          let best = xv[p00 + c],
            at = p00 + c;
          if (xv[p01 + c] > best) {
            best = xv[p01 + c];
            at = p01 + c;
          }
          if (xv[p10 + c] > best) {
            best = xv[p10 + c];
            at = p10 + c;
          }
          if (xv[p11 + c] > best) {
            at = p11 + c;
          }
          dxv[at] = dyv[dyBase + c];
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
