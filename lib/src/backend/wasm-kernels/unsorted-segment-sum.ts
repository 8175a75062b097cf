/**
 * UnsortedSegmentSum on wasm (missing from tfjs-backend-wasm 4.22; needed by gather/Embedding
 * gradients): a plain scatter-add over the typed arrays. segmentIds cover the leading
 * segmentIds.rank axes of x; ids outside [0, numSegments) are dropped (TensorFlow semantics).
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, type WasmKernelArgs } from "./heap";

export function unsortedSegmentSum({ inputs, backend, attrs = {} }: WasmKernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = attrs.numSegments as number;
  const idsRank = segmentIds.shape.length;
  for (let d = 0; d < idsRank; d++) {
    if (segmentIds.shape[d] !== x.shape[d]) {
      throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}]`);
    }
  }
  const innerShape = x.shape.slice(idsRank);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = alloc(backend, [numSegments, ...innerShape], x.dtype);
  const xv = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  ov.fill(0);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) ov[dst + k] += xv[src + k];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
