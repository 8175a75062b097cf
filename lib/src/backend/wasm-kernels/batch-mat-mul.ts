/**
 * BatchMatMul on wasm with transpose flags done as an explicit transpose first: wasm's matMul
 * is 10–30× slower with transposeA/transposeB than on plain operands (tfjs-wasm notes), and
 * tfjs's own matMul/dense gradients use those flags. Plain products go straight to wasm's kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, type WasmKernelArgs } from "./heap";
import { originalKernel } from "./originals";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A copy of t with its last two axes swapped (per batch). */
function swapLastTwo(backend: BackendWasm, t: tf.TensorInfo): tf.TensorInfo {
  const r = t.shape.length;
  const rows = t.shape[r - 2], cols = t.shape[r - 1];
  const batch = t.shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
  const out = alloc(backend, [...t.shape.slice(0, r - 2), cols, rows]);
  const src = backend.typedArrayFromHeap(t) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const B = 32;
  for (let b = 0; b < batch; b++) {
    const o = b * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += B) {
      const r1 = Math.min(rows, r0 + B);
      for (let c0 = 0; c0 < cols; c0 += B) {
        const c1 = Math.min(cols, c0 + B);
        for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) dst[o + j * rows + i] = src[o + i * cols + j];
      }
    }
  }
  return out;
}

export function batchMatMul(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const original = originalKernel("BatchMatMul");
  if ((!attrs.transposeA && !attrs.transposeB) || a.dtype !== "float32" || b.dtype !== "float32") {
    return original(args as never) as tf.TensorInfo;
  }
  const temps: tf.TensorInfo[] = [];
  const a2 = attrs.transposeA ? swapLastTwo(backend, a) : a;
  if (a2 !== a) temps.push(a2);
  const b2 = attrs.transposeB ? swapLastTwo(backend, b) : b;
  if (b2 !== b) temps.push(b2);
  const out = original({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
  for (const t of temps) free(backend, t);
  return out;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
