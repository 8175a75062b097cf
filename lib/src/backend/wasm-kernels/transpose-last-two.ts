/**
 * Transpose on wasm, fast path for swapping the last two axes (the matrix transposes of matmul
 * gradients): 4×4 SIMD blocks (simd-module.ts transpose4) when both axes are multiples of 4
 * (4096×128 0.23 ms, 128×4096 0.26), else a JS copy in 8×8 blocks (~1.1 and 0.74 ms there; ~2
 * ns/element vs ~8 for wasm's own kernel on the GPT's [1024, 128…512] activations). Other
 * permutations and dtypes go to wasm's own Transpose.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, heapOffset, type WasmKernelArgs } from "./heap";
import { originalKernel } from "./originals";
import { simdKernels } from "./simd-module";

const BLOCK = 8;

/** out[b][c][r] = src[b][r][c] for `batch` row-major [rows, cols] matrices. */
export function transposeBlocked8(
  src: Float32Array | Int32Array,
  batch: number,
  rows: number,
  cols: number,
  out: Float32Array | Int32Array,
): void {
  for (let b = 0; b < batch; b++) {
    const o = b * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(rows, r0 + BLOCK);
      for (let c0 = 0; c0 < cols; c0 += BLOCK) {
        const c1 = Math.min(cols, c0 + BLOCK);
        for (let r = r0; r < r1; r++) {
          const rs = o + r * cols;
          for (let c = c0; c < c1; c++) out[o + c * rows + r] = src[rs + c];
        }
      }
    }
  }
}

export function transposeLastTwo(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const perm = attrs.perm as number[];
  const r = x.shape.length;
  const swapsLastTwo = r >= 2 && perm.length === r && perm.every((p, i) => p === (i < r - 2 ? i : 2 * r - 3 - i));
  if (!swapsLastTwo || (x.dtype !== "float32" && x.dtype !== "int32"))
    return originalKernel("Transpose")(args as never) as tf.TensorInfo;
  const rows = x.shape[r - 2],
    cols = x.shape[r - 1];
  const batch = x.shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
  const out = alloc(backend, [...x.shape.slice(0, r - 2), cols, rows], x.dtype);
  const simd = rows % 4 === 0 && cols % 4 === 0 ? simdKernels(backend) : undefined;
  if (simd) {
    simd.transpose4(heapOffset(backend, x.dataId), heapOffset(backend, out.dataId), batch, rows, cols);
    return out;
  }
  transposeBlocked8(
    backend.typedArrayFromHeap(x) as Float32Array | Int32Array,
    batch,
    rows,
    cols,
    backend.typedArrayFromHeap(out) as Float32Array | Int32Array,
  );
  return out;
}

export const transposeLastTwoConfig: tf.KernelConfig = {
  kernelName: "Transpose",
  backendName: "wasm",
  kernelFunc: transposeLastTwo as unknown as tf.KernelFunc,
};
