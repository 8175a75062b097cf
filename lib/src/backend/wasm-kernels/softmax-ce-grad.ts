/**
 * The softmax cross-entropy gradient as one wasm kernel (losses/softmax-ce.ts):
 *
 *   EmbedlabSoftmaxCEGrad {p [N, C] float32, labels [N] int32, s [N] float32} → dz [N, C],
 *   dz[r, c] = (p[r, c] − [c = labels[r]])·s[r]
 *
 * one SIMD pass (simd-module.ts scaleRows) and one fix-up per row, instead of the one-hot, cast,
 * subtraction and product (four passes over N·C and three temporaries). Same float32 operations as
 * those (p − 0 = p), so the same values. Labels outside [0, C) get no −1 (the loss checks them first).
 */
import type * as tf from "@tensorflow/tfjs";
import { alloc, view, type WasmKernelArgs } from "./heap";
import { heapOffset, simdKernels } from "./simd-module";

export const SOFTMAX_CE_GRAD = "EmbedlabSoftmaxCEGrad";

function softmaxCEGrad({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { p, labels, s } = inputs as { p: tf.TensorInfo; labels: tf.TensorInfo; s: tf.TensorInfo };
  const [n, c] = p.shape;
  if (p.shape.length !== 2 || labels.shape[0] !== n || s.shape[0] !== n || labels.dtype !== "int32")
    throw new Error(
      `${SOFTMAX_CE_GRAD}: want p [N, C], int32 labels [N], s [N]; got p [${p.shape}], labels [${labels.shape}] ${labels.dtype}, s [${s.shape}]`,
    );
  const out = alloc(backend, [n, c]);
  const simd = c % 4 === 0 ? simdKernels(backend) : undefined;
  const pv = view(backend, p),
    sv = view(backend, s),
    ov = view(backend, out),
    lv = backend.typedArrayFromHeap(labels) as Int32Array;
  if (simd)
    simd.scaleRows(heapOffset(backend, p.dataId), heapOffset(backend, s.dataId), heapOffset(backend, out.dataId), n, c);
  else for (let r = 0; r < n; r++) for (let j = 0; j < c; j++) ov[r * c + j] = Math.fround(pv[r * c + j] * sv[r]);
  for (let r = 0; r < n; r++) {
    const l = lv[r];
    if (l >= 0 && l < c) ov[r * c + l] = Math.fround(Math.fround(pv[r * c + l] - 1) * sv[r]);
  }
  return out;
}

export const softmaxCEGradConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_CE_GRAD,
  backendName: "wasm",
  kernelFunc: softmaxCEGrad as unknown as tf.KernelFunc,
};
