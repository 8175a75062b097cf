/**
 * Sum on wasm, fast path for reductions over leading axes (bias gradients: sum over N, H, W),
 * which tfjs-backend-wasm does by transposing the input first. Row-wise accumulation in float64;
 * every other case goes to wasm's own Sum.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, free, heapOffset, view, type WasmKernelArgs } from "./heap";
import { simdKernels } from "./simd-module";
import { originalKernel } from "./originals";

export function sumLeadingAxes(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== "float32" || !leading) return originalKernel("Sum")(args as never) as tf.TensorInfo;
  const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
  const innerShape = x.shape.slice(axes.length);
  const cols = innerShape.reduce((a, b) => a * b, 1);
  const outShape = attrs.keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape;
  const out = alloc(backend, outShape);
  const simd = cols % 4 === 0 && rows >= 2 * SIMD_BLOCK ? simdKernels(backend) : undefined;
  if (simd) {
    // float32 sums of SIMD_BLOCK-row blocks in wasm SIMD, then the blocks combined in float64
    const blocks = Math.floor(rows / SIMD_BLOCK);
    const part = alloc(backend, [blocks, cols]);
    simd.colSumBlocks(
      heapOffset(backend, x.dataId),
      heapOffset(backend, part.dataId),
      blocks * SIMD_BLOCK,
      cols,
      SIMD_BLOCK,
    );
    const xv = view(backend, x);
    const acc = columnSums(view(backend, part), blocks, cols);
    const tail = columnSums(xv.subarray(blocks * SIMD_BLOCK * cols, rows * cols), rows - blocks * SIMD_BLOCK, cols);
    for (let c = 0; c < cols; c++) acc[c] += tail[c];
    free(backend, part);
    view(backend, out).set(acc);
    return out;
  }
  view(backend, out).set(columnSums(view(backend, x), rows, cols));
  return out;
}

/** Rows per float32 partial sum on the SIMD path. */
const SIMD_BLOCK = 32;

/**
 * Column sums of a row-major [rows, cols] matrix in float64: blocks of rows that stay in cache,
 * four columns at a time in local accumulators (~2x faster than one array slot per element).
 */
export function columnSums(xv: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  const blockRows = Math.max(1, Math.floor(16384 / cols));
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const start = r0 * cols,
      end = Math.min(rows, r0 + blockRows) * cols;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let o = start + c; o < end; o += cols) {
        s0 += xv[o];
        s1 += xv[o + 1];
        s2 += xv[o + 2];
        s3 += xv[o + 3];
      }
      acc[c] += s0;
      acc[c + 1] += s1;
      acc[c + 2] += s2;
      acc[c + 3] += s3;
    }
    for (; c < cols; c++) {
      let s = 0;
      for (let o = start + c; o < end; o += cols) s += xv[o];
      acc[c] += s;
    }
  }
  return acc;
}

export const sumLeadingAxesConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: sumLeadingAxes as unknown as tf.KernelFunc,
};
