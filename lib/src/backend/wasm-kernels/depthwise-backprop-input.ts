/**
 * DepthwiseConv2dNativeBackpropInput on wasm (missing from tfjs-backend-wasm 4.22): direct
 * scatter loop. dx[b, ih, iw, c] += Σ_q dy[b, oh, ow, c·mult + q] · W[i, j, c, q].
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, view, type WasmKernelArgs } from "./heap";
import { convGeometry } from "./conv-geometry";

export function depthwiseBackpropInput({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const inputShape = attrs.inputShape as number[];
  const g = convGeometry(inputShape, filter.shape, attrs, true);
  const mult = filter.shape[3];
  const { n, inH, inW, inC, outH, outW, outC, fh, fw, sh, sw, dh, dw, padTop, padLeft } = g;
  const dx = alloc(backend, inputShape);
  const dxv = view(backend, dx);
  const dyv = view(backend, dy);
  const wv = view(backend, filter);
  dxv.fill(0);
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
            const xBase = ((b * inH + ih) * inW + iw) * inC;
            const fBase = (i * fw + j) * outC;
            if (mult === 1) {
              for (let c = 0; c < inC; c++) dxv[xBase + c] += dyv[dyBase + c] * wv[fBase + c];
            } else {
              for (let oc = 0; oc < outC; oc++) dxv[xBase + ((oc / mult) | 0)] += dyv[dyBase + oc] * wv[fBase + oc];
            }
          }
        }
      }
    }
  }
  return dx;
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropInput",
  backendName: "wasm",
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};
