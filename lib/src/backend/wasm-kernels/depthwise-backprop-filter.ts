/**
 * DepthwiseConv2dNativeBackpropFilter on wasm (missing from tfjs-backend-wasm 4.22): direct loop,
 * accumulated in float64. Filter [fh, fw, inC, mult]; output channel oc = c·mult + q.
 */
import * as tf from "@tensorflow/tfjs";
import { fromValues, view, type WasmKernelArgs } from "./heap";
import { convGeometry, forEachConvTap } from "./conv-geometry";

export function depthwiseBackpropFilter({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const filterShape = attrs.filterShape as number[];
  const g = convGeometry(x.shape, filterShape, attrs, true);
  const mult = filterShape[3];
  const { inC, outC, fh, fw } = g;
  const acc = new Float64Array(fh * fw * outC);
  const xv = view(backend, x);
  const dyv = view(backend, dy);
  forEachConvTap(g, (xBase, fBase, dyBase) => {
    if (mult === 1) {
      for (let c = 0; c < inC; c++) acc[fBase + c] += xv[xBase + c] * dyv[dyBase + c];
    } else {
      for (let oc = 0; oc < outC; oc++) acc[fBase + oc] += xv[xBase + ((oc / mult) | 0)] * dyv[dyBase + oc];
    }
  });
  return fromValues(backend, filterShape, acc);
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropFilter",
  backendName: "wasm",
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};
