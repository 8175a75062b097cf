/**
 * The row-wise parts of the softmax cross-entropy (losses/softmax-ce.ts) as two wasm kernels:
 *
 *   EmbedlabSoftmaxCE     {logits z [N, C] float32, labels [N] int32} →
 *                         [p = softmax(z), max z, max p, z[label]] (the last three [N])
 *   EmbedlabSoftmaxCEGrad {p [N, C] float32, labels [N] int32, s [N] float32} → dz [N, C],
 *                         dz[r, c] = (p[r, c] − [c = labels[r]])·s[r]
 *
 * The forward is wasm's own Softmax (XNNPACK) plus one SIMD pass per row maximum (simd-module.ts
 * rowMax; maxima are exact, so the values of tf.max) and a gather, in one call; the gradient one
 * SIMD pass (scaleRows) and one fix-up per row, instead of the one-hot, cast, subtraction and
 * product (four passes over N·C and three temporaries). Same float32 operations as those (p − 0 =
 * p), so the same values. Labels outside [0, C) get no −1 and z[label] 0 (the loss checks them first).
 */
import type * as tf from "@tensorflow/tfjs";
import { alloc, heapOffset, view, type WasmKernelArgs } from "./heap";
import { simdKernels } from "./simd-module";
import { originalKernel } from "./originals";

export const SOFTMAX_CE = "EmbedlabSoftmaxCE";
export const SOFTMAX_CE_GRAD = "EmbedlabSoftmaxCEGrad";

function checkShapes(kernel: string, p: tf.TensorInfo, labels: tf.TensorInfo, s?: tf.TensorInfo): [number, number] {
  const [n, c] = p.shape;
  if (
    p.shape.length !== 2 ||
    p.dtype !== "float32" ||
    labels.shape[0] !== n ||
    labels.dtype !== "int32" ||
    (s && s.shape[0] !== n)
  )
    throw new Error(
      `${kernel}: want float32 [N, C], int32 labels [N]${s ? ", s [N]" : ""}; got [${p.shape}] ${p.dtype}, labels [${labels.shape}] ${labels.dtype}${s ? `, s [${s.shape}]` : ""}`,
    );
  return [n, c];
}

function softmaxCE({ inputs, backend }: WasmKernelArgs): tf.TensorInfo[] {
  const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const [n, c] = checkShapes(SOFTMAX_CE, logits, labels);
  const p = originalKernel("Softmax")({ inputs: { logits }, backend, attrs: { dim: 1 } } as never) as tf.TensorInfo;
  const maxZ = alloc(backend, [n]),
    maxP = alloc(backend, [n]),
    zLabel = alloc(backend, [n]);
  const simd = c > 0 && c % 16 === 0 ? simdKernels(backend) : undefined;
  const zv = view(backend, logits),
    pv = view(backend, p),
    lv = backend.typedArrayFromHeap(labels) as Int32Array;
  const rowMax = (x: tf.TensorInfo, xv: Float32Array, out: tf.TensorInfo) => {
    if (simd) return simd.rowMax(heapOffset(backend, x.dataId), heapOffset(backend, out.dataId), n, c);
    const ov = view(backend, out);
    for (let r = 0; r < n; r++) {
      let m = -Infinity;
      for (let j = 0; j < c; j++) m = Math.max(m, xv[r * c + j]);
      ov[r] = m;
    }
  };
  rowMax(logits, zv, maxZ);
  rowMax(p, pv, maxP);
  const zl = view(backend, zLabel);
  for (let r = 0; r < n; r++) zl[r] = lv[r] >= 0 && lv[r] < c ? zv[r * c + lv[r]] : 0;
  return [p, maxZ, maxP, zLabel];
}

function softmaxCEGrad({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { p, labels, s } = inputs as { p: tf.TensorInfo; labels: tf.TensorInfo; s: tf.TensorInfo };
  const [n, c] = checkShapes(SOFTMAX_CE_GRAD, p, labels, s);
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

export const softmaxCEConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_CE,
  backendName: "wasm",
  kernelFunc: softmaxCE as unknown as tf.KernelFunc,
};

export const softmaxCEGradConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_CE_GRAD,
  backendName: "wasm",
  kernelFunc: softmaxCEGrad as unknown as tf.KernelFunc,
};
