/**
 * Conv2DBackpropInput on wasm (replaces tfjs-backend-wasm's slow loop):
 * dCols[M, K] = dy[M, outC] · Wᵀ[outC, K] (plain 2-D matMul), then col2im scatter-add into dx.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, matMul2d, requireNhwc, transpose2d, view, type WasmKernelArgs } from "./heap";
import { col2im, convGeometry } from "./conv-geometry";

export function conv2dBackpropInput({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  requireNhwc("Conv2DBackpropInput", attrs.dataFormat);
  const inputShape = attrs.inputShape as number[];
  const g = convGeometry(inputShape, filter.shape, attrs, false);
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
