/**
 * DepthwiseConv2dNativeBackpropInput on wasm (missing from tfjs-backend-wasm 4.22): direct
 * scatter loop. dx[b, ih, iw, c] += Σ_q dy[b, oh, ow, c·mult + q] · W[i, j, c, q].
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, view, type WasmKernelArgs } from "./heap";
import { convGeometry, forEachConvTap } from "./conv-geometry";

export function depthwiseBackpropInput({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const inputShape = attrs.inputShape as number[];
  const g = convGeometry(inputShape, filter.shape, attrs, true);
  const mult = filter.shape[3];
  const { inC, outC } = g;
  const dx = alloc(backend, inputShape);
  const dxv = view(backend, dx);
  const dyv = view(backend, dy);
  const wv = view(backend, filter);
  dxv.fill(0);
  forEachConvTap(g, (xBase, fBase, dyBase) => {
    if (mult === 1) {
      for (let c = 0; c < inC; c++) dxv[xBase + c] += dyv[dyBase + c] * wv[fBase + c];
    } else {
      for (let oc = 0; oc < outC; oc++) dxv[xBase + ((oc / mult) | 0)] += dyv[dyBase + oc] * wv[fBase + oc];
    }
  });
  return dx;
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropInput",
  backendName: "wasm",
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};
