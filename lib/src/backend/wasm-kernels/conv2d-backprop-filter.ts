/**
 * Conv2DBackpropFilter on wasm (missing from tfjs-backend-wasm 4.22), as plain 2-D matMuls:
 * - few input channels (first layer): dW[K, outC] = colsT[K, M] · dy[M, outC], colsT built directly;
 * - otherwise: dW = transpose(dyᵀ[outC, M] · cols[M, K]), cols = im2col(x) (contiguous copies).
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, matMul2d, requireNhwc, transpose2d, view, type WasmKernelArgs } from "./heap";
import { convGeometry, im2col, im2colT } from "./conv-geometry";

const FEW_CHANNELS = 8;

export function conv2dBackpropFilter({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  requireNhwc("Conv2DBackpropFilter", attrs.dataFormat);
  const filterShape = attrs.filterShape as number[];
  const g = convGeometry(x.shape, filterShape, attrs, false);
  const M = g.n * g.outH * g.outW;
  const K = g.fh * g.fw * g.inC;
  if (g.inC <= FEW_CHANNELS) {
    const colsT = alloc(backend, [K, M]);
    im2colT(view(backend, x), g, view(backend, colsT));
    const dy2d: tf.TensorInfo = { dataId: dy.dataId, shape: [M, g.outC], dtype: dy.dtype };
    const dw = matMul2d(backend, colsT, dy2d); // [K, outC] = filter layout
    free(backend, colsT);
    dw.shape = filterShape;
    return dw;
  }
  const cols = alloc(backend, [M, K]);
  const dyT = alloc(backend, [g.outC, M]);
  im2col(view(backend, x), g, view(backend, cols));
  transpose2d(view(backend, dy), M, g.outC, view(backend, dyT));
  const dwT = matMul2d(backend, dyT, cols); // [outC, K]
  free(backend, cols);
  free(backend, dyT);
  const dw = alloc(backend, filterShape);
  transpose2d(view(backend, dwT), g.outC, K, view(backend, dw));
  free(backend, dwT);
  return dw;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
