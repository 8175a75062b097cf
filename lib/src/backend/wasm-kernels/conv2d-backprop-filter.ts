/**
 * Conv2DBackpropFilter on wasm (missing from tfjs-backend-wasm 4.22):
 * dW[K, outC] = transpose(dyᵀ[outC, M] · cols[M, K]), cols = im2col(x). Both products are plain 2-D.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, matMul2d, requireNhwc, transpose2d, view, type WasmKernelArgs } from "./heap";
import { convGeometry, im2col } from "./conv-geometry";

export function conv2dBackpropFilter({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  requireNhwc("Conv2DBackpropFilter", attrs.dataFormat);
  const filterShape = attrs.filterShape as number[];
  const g = convGeometry(x.shape, filterShape, attrs, false);
  const M = g.n * g.outH * g.outW;
  const K = g.fh * g.fw * g.inC;
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
