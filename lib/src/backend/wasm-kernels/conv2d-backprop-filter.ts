/**
 * Conv2DBackpropFilter on wasm (missing from tfjs-backend-wasm 4.22), as plain 2-D matMuls over
 * chunks of output positions so every operand stays in cache:
 *   dWᵀ[outC, K] = Σ_chunks dyᵀ_chunk[outC, rows] · cols_chunk[rows, K],   cols = im2col(x);
 * with few input channels (first layer) instead dW[K, outC] = Σ colsᵀ_chunk[K, rows] · dy_chunk.
 * wasm's matMul packs its right operand on every call (XNNPACK fully-connected weights), so a
 * small fresh right operand per chunk is cheaper than one large one.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, matMul2d, requireNhwc, transpose2d, view, type WasmKernelArgs } from "./heap";
import { convGeometry, im2colRows, im2colTRows } from "./conv-geometry";

const FEW_CHANNELS = 8;

/** Floats of im2col per chunk (1 MiB). */
const CHUNK_FLOATS = 1 << 18;

export function conv2dBackpropFilter({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  requireNhwc("Conv2DBackpropFilter", attrs.dataFormat);
  const filterShape = attrs.filterShape as number[];
  const g = convGeometry(x.shape, filterShape, attrs, false);
  const M = g.n * g.outH * g.outW;
  const K = g.fh * g.fw * g.inC;
  const C = g.outC;
  const rowsPer = Math.min(M, Math.max(64, Math.floor(CHUNK_FLOATS / K)));
  const acc = new Float64Array(C * K);
  if (g.inC <= FEW_CHANNELS) {
    for (let m0 = 0; m0 < M; m0 += rowsPer) {
      const rows = Math.min(rowsPer, M - m0);
      const a = alloc(backend, [K, rows]);
      const b = alloc(backend, [rows, C]);
      im2colTRows(view(backend, x), g, view(backend, a), m0, m0 + rows);
      view(backend, b).set(view(backend, dy).subarray(m0 * C, (m0 + rows) * C));
      const part = matMul2d(backend, a, b); // [K, C] = filter layout
      const pv = view(backend, part);
      for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
      free(backend, part);
      free(backend, b);
      free(backend, a);
    }
    const dw = alloc(backend, filterShape);
    view(backend, dw).set(acc);
    return dw;
  }
  for (let m0 = 0; m0 < M; m0 += rowsPer) {
    const rows = Math.min(rowsPer, M - m0);
    // fresh tensors per chunk: wasm caches the packed right operand by tensor id
    const a = alloc(backend, [C, rows]);
    const b = alloc(backend, [rows, K]);
    im2colRows(view(backend, x), g, view(backend, b), m0, m0 + rows);
    transpose2d(view(backend, dy).subarray(m0 * C, (m0 + rows) * C), rows, C, view(backend, a));
    const part = matMul2d(backend, a, b); // [C, K]
    const pv = view(backend, part);
    for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
    free(backend, part);
    free(backend, b);
    free(backend, a);
  }
  const dw = alloc(backend, filterShape);
  const out = view(backend, dw);
  for (let o = 0; o < C; o++) for (let k = 0; k < K; k++) out[k * C + o] = acc[o * K + k];
  return dw;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
