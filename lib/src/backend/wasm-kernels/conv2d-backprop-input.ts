/**
 * Conv2DBackpropInput on wasm (replaces tfjs-backend-wasm's slow loop):
 * - 3×3 stride-1 "same", outC % 4 == 0, inC % 8 == 0: Winograd F(2×2, 3×3) of dy with the rotated
 *   filter (winograd.ts);
 * - stride 1, size-preserving, inC % 8 == 0: embedlab's GEMM per filter tap on the shifted grid
 *   (conv2d-backprop-input-gemm.ts);
 * - other stride 1: a forward Conv2D (wasm's fast XNNPACK kernel) of dy with the filter rotated 180°
 *   and its channel axes swapped, padded so the output is the input's size;
 * - otherwise: dCols[M, K] = dy[M, outC] · Wᵀ[outC, K] (plain 2-D matMul), then col2im scatter-add.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, matMul2d, requireNhwc, transpose2d, view, type WasmKernelArgs } from "./heap";
import { col2im, convGeometry, type ConvGeometry } from "./conv-geometry";
import { originalKernel } from "./originals";
import { shiftedLayout } from "./shifted-planes";
import { backendGemm } from "./gemm";
import { NR } from "./gemm-module";
import { backpropInputViaGemm } from "./conv2d-backprop-input-gemm";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { winogradApplies, winogradConv, winogradParts } from "./winograd";

/** Stride-1 backprop-input as a forward conv; undefined when the padding it needs is negative. */
function viaForwardConv(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo | undefined {
  const effH = (g.fh - 1) * g.dh + 1,
    effW = (g.fw - 1) * g.dw + 1;
  const top = effH - 1 - g.padTop,
    left = effW - 1 - g.padLeft;
  const bottom = g.inH - 1 + effH - g.outH - top,
    right = g.inW - 1 + effW - g.outW - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  const { fh, fw, inC, outC } = g;
  const rot = alloc(backend, [fh, fw, outC, inC]);
  const w = view(backend, filter),
    r = view(backend, rot);
  for (let i = 0; i < fh; i++)
    for (let j = 0; j < fw; j++) {
      const src = ((fh - 1 - i) * fw + (fw - 1 - j)) * inC * outC,
        dst = (i * fw + j) * outC * inC;
      for (let c = 0; c < inC; c++) for (let o = 0; o < outC; o++) r[dst + o * inC + c] = w[src + c * outC + o];
    }
  const dx = originalKernel("Conv2D")({
    inputs: { x: dy, filter: rot },
    backend,
    attrs: {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: "NHWC",
      dilations: [g.dh, g.dw],
    },
  } as never) as tf.TensorInfo;
  free(backend, rot);
  return dx;
}

export function conv2dBackpropInput({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  requireNhwc("Conv2DBackpropInput", attrs.dataFormat);
  const inputShape = attrs.inputShape as number[];
  const g = convGeometry(inputShape, filter.shape, attrs, false);
  const wino =
    dy.dtype === "float32" && winogradApplies(g, g.outC, g.inC) ? winogradParts(backend, g.outC, g.inC) : undefined;
  if (wino) return winogradConv(backend, wino, dy, filter, g, true);
  const layout = g.inC % NR === 0 && dy.dtype === "float32" ? shiftedLayout(g) : undefined;
  const gemm = layout ? backendGemm(backend) : undefined;
  if (layout && gemm) return backpropInputViaGemm(backend, gemm, dy, filter, g, layout, inputShape);
  if (g.sh === 1 && g.sw === 1) {
    const dx = viaForwardConv(backend, dy, filter, g);
    if (dx) return dx;
  }
  const M = g.n * g.outH * g.outW;
  const K = g.fh * g.fw * g.inC;
  const wT = alloc(backend, [g.outC, K]);
  transpose2d(view(backend, filter), K, g.outC, view(backend, wT));
  const dy2d: tf.TensorInfo = { dataId: dy.dataId, shape: [M, g.outC], dtype: dy.dtype };
  const dCols = matMul2d(backend, dy2d, wT); // [M, K]
  free(backend, wT);
  const dx = alloc(backend, inputShape);
  const dxv = view(backend, dx);
  dxv.fill(0);
  col2im(view(backend, dCols), g, dxv);
  free(backend, dCols);
  return dx;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
